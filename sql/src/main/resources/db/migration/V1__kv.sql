-- Keywatch: an etcd-style key-value store in one append-only table.
--
-- Every write (put or delete) appends one row to kv and takes the next revision from the single row
-- of kv_revision. The UPDATE of that row locks it until the writing transaction ends, so writers are
-- serialised on it and
--   1. revisions are gap-free: a transaction that rolls back releases its increment with the lock;
--   2. revisions increase in commit order: revision R+1 cannot be taken before R's transaction ended.
-- A reader that has seen revision R and then reads `revision > R` therefore never misses a write
-- (kine, whose ids come from a sequence, has to guess when a gap is a rollback; Keywatch never does).
--
-- All writes go through the functions below, so psql users get the same semantics as the Java store.

CREATE TABLE kv_revision (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    store_id  uuid   NOT NULL DEFAULT gen_random_uuid(),  -- a recreated store is a different store
    current   bigint NOT NULL CHECK (current >= 0),
    compacted bigint NOT NULL CHECK (compacted >= 0 AND compacted <= current + 1)
);
INSERT INTO kv_revision (current, compacted) VALUES (0, 0);

CREATE TABLE kv (
    revision        bigint PRIMARY KEY,
    key             text COLLATE "C" NOT NULL CHECK (key <> ''),  -- byte order, as etcd's
    value           bytea,                       -- NULL exactly for tombstones
    create_revision bigint      NOT NULL,        -- revision that created this incarnation of the key
    version         bigint      NOT NULL,        -- 1 on create, +1 per put; 0 on a tombstone
    prev_revision   bigint,                      -- the key's row before this one, for prev_kv
    txn_revision    bigint      NOT NULL,        -- first revision of the transaction that wrote it
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK ((value IS NULL) = (version = 0))
);
CREATE INDEX kv_key_revision ON kv (key, revision DESC);
CREATE INDEX kv_created_at ON kv (created_at);

-- Takes the writers' lock and reports the current revision. A transaction that must decide before it
-- writes (delete of a maybe absent key, compare-and-swap) calls this first, so that nothing can
-- change between its reads and its writes.
CREATE FUNCTION kv_lock() RETURNS bigint
LANGUAGE sql AS $$
    SELECT current FROM kv_revision FOR UPDATE
$$;

-- The newest row of a key at or below a revision (NULL revision: the newest), tombstones included.
CREATE FUNCTION kv_latest(p_key text, p_at bigint DEFAULT NULL) RETURNS kv
LANGUAGE sql STABLE AS $$
    SELECT * FROM kv
     WHERE key = p_key AND (p_at IS NULL OR revision <= p_at)
     ORDER BY revision DESC
     LIMIT 1
$$;

-- Appends one row for a key with the next revision and wakes the watchers. The payload is the
-- revision only: pg_notify aborts a transaction whose payload exceeds 8000 bytes, values may not.
CREATE FUNCTION kv_append(p_key text, p_value bytea, p_txn_revision bigint) RETURNS kv
LANGUAGE plpgsql AS $$
DECLARE
    prev kv;
    row  kv;
BEGIN
    UPDATE kv_revision SET current = current + 1 RETURNING current INTO row.revision;
    prev := kv_latest(p_key);
    row.key := p_key;
    row.value := p_value;
    row.prev_revision := prev.revision;
    row.txn_revision := coalesce(p_txn_revision, row.revision);
    row.created_at := clock_timestamp();
    IF p_value IS NULL THEN
        row.create_revision := prev.create_revision;
        row.version := 0;
    ELSIF prev.revision IS NULL OR prev.value IS NULL THEN
        row.create_revision := row.revision;
        row.version := 1;
    ELSE
        row.create_revision := prev.create_revision;
        row.version := prev.version + 1;
    END IF;
    INSERT INTO kv VALUES (row.*);
    PERFORM pg_notify('keywatch', row.revision::text);
    RETURN row;
END
$$;

-- Puts a value. p_txn_revision groups the writes of one multi-key transaction (NULL: a transaction of
-- its own). Returns the new row.
CREATE FUNCTION kv_put(p_key text, p_value bytea, p_txn_revision bigint DEFAULT NULL) RETURNS kv
LANGUAGE plpgsql AS $$
BEGIN
    IF p_value IS NULL THEN
        RAISE EXCEPTION 'kv_put: value of % must not be NULL, use kv_delete', p_key
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    RETURN kv_append(p_key, p_value, p_txn_revision);
END
$$;

-- Puts several independent values in one transaction (group commit): each is a transaction of its
-- own for watchers and gets its own revision, in the order given.
CREATE FUNCTION kv_put_many(p_keys text[], p_values bytea[]) RETURNS SETOF kv
LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(p_keys) IS DISTINCT FROM cardinality(p_values) THEN
        RAISE EXCEPTION 'kv_put_many: % keys but % values', cardinality(p_keys), cardinality(p_values)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR i IN 1 .. coalesce(cardinality(p_keys), 0) LOOP
        RETURN NEXT kv_put(p_keys[i], p_values[i]);
    END LOOP;
END
$$;

-- Deletes a key by appending a tombstone. Deleting an absent key writes nothing and returns NULL.
CREATE FUNCTION kv_delete(p_key text, p_txn_revision bigint DEFAULT NULL) RETURNS kv
LANGUAGE plpgsql AS $$
DECLARE
    prev kv;
BEGIN
    PERFORM kv_lock();
    prev := kv_latest(p_key);
    IF prev.revision IS NULL OR prev.value IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN kv_append(p_key, NULL, p_txn_revision);
END
$$;

-- Compacts to revision p_revision, as etcd does: afterwards a key can be read at any revision
-- >= p_revision, but not below it. Removes
--   * every row below p_revision superseded by a newer row of its key at or below p_revision, and
--   * every tombstone below p_revision.
-- The newest row of a key is never superseded, so a live value is never removed.
-- Example: puts of a at 1, 3, 6 and a delete of b (put at 2) at 4; compacting to 5 removes a@1 (a@3
-- supersedes it at 5), b@2 and the tombstone b@4, and keeps a@3 (a's value at 5) and a@6.
-- Returns the number of rows removed.
CREATE FUNCTION kv_compact(p_revision bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    head    bigint;
    removed bigint;
BEGIN
    head := kv_lock();
    IF p_revision < 0 OR p_revision > head THEN
        RAISE EXCEPTION 'kv_compact: revision % is not between 0 and the current revision %', p_revision, head
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_revision <= (SELECT compacted FROM kv_revision) THEN
        RETURN 0;
    END IF;
    DELETE FROM kv old
     WHERE old.revision < p_revision
       AND (old.value IS NULL
            OR EXISTS (SELECT 1 FROM kv newer
                        WHERE newer.key = old.key
                          AND newer.revision > old.revision
                          AND newer.revision <= p_revision));
    GET DIAGNOSTICS removed = ROW_COUNT;
    UPDATE kv_revision SET compacted = p_revision;
    RETURN removed;
END
$$;

-- Compacts away what was superseded before an instant: to the first revision written at or after it
-- (at most the current revision). Returns the revision compacted to, or NULL if nothing was older.
CREATE FUNCTION kv_compact_before(p_instant timestamptz) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    head   bigint;
    target bigint;
BEGIN
    head := kv_lock();
    SELECT max(revision) + 1 INTO target FROM kv WHERE created_at < p_instant;
    IF target IS NULL THEN
        RETURN NULL;
    END IF;
    target := least(target, head);
    PERFORM kv_compact(target);
    RETURN target;
END
$$;
