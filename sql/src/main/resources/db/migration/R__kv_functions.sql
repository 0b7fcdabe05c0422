-- Keywatch's SQL functions as they run today, in one place. The schema and the revision rule (why
-- revisions are gap-free and commit-ordered) are in V1__kv.sql, the leases' schema in V7__leases.sql;
-- the versioned files keep the history of these functions too, but what runs is this file.
--
-- Flyway runs this file after every pending versioned migration, and again whenever its text
-- changes, so each definition is CREATE OR REPLACE: it replaces a function in place, and callers see
-- either the old body or the new one, never no function. A change of a signature (parameters,
-- defaults, result) cannot be replaced in place: a versioned migration drops the old one first.
--
-- All writes go through these functions, so psql users get the same semantics as the Java store.

-- Takes the writers' lock and reports the current revision. A transaction that must decide before it
-- writes (delete of a maybe absent key, compare-and-swap) calls this first, so that nothing can
-- change between its reads and its writes.
CREATE OR REPLACE FUNCTION kv_lock() RETURNS bigint
LANGUAGE sql AS $$
    SELECT current FROM kv_revision FOR UPDATE
$$;

-- The newest row of a key at or below a revision (NULL revision: the newest), tombstones included.
--
-- The key is bounded by a range rather than compared with =, whatever the statistics say (V4): with
-- statistics taken while a few keys held most rows, the planner expects every key to match a large
-- part of the table and walks the primary key backwards through every newer row of other keys. A
-- key bounded by a range does not enter the planner's equivalence classes, so ORDER BY key,
-- revision DESC can only come from kv_key_revision, which stops at the key's first entry.
CREATE OR REPLACE FUNCTION kv_latest(p_key text, p_at bigint DEFAULT NULL) RETURNS kv
LANGUAGE sql STABLE AS $$
    SELECT * FROM kv
     WHERE key >= p_key AND key <= p_key AND (p_at IS NULL OR revision <= p_at)
     ORDER BY key, revision DESC
     LIMIT 1
$$;

-- The row rule, the only place it is written: appends one row for a key at a revision the caller
-- has taken from kv_revision (under its lock), attached to p_lease (0: none; the caller has checked
-- that it exists); returns it and the key's row it superseded (NULL for a new key). A tombstone
-- (NULL value) has version 0, keeps the create revision and is attached to no lease; a put after a
-- tombstone or on a new key creates the key (version 1, create revision = its revision); any other
-- put adds one to the version. The superseded row is looked up inline, in the same form as
-- kv_latest: calling kv_latest from PL/pgSQL paid its own executor set-up per put (V3).
CREATE OR REPLACE FUNCTION kv_append_with_prev(p_revision bigint, p_key text, p_value bytea, p_txn_revision bigint,
                                    p_lease bigint DEFAULT 0, OUT put kv, OUT prev kv)
LANGUAGE plpgsql AS $$
BEGIN
    SELECT * INTO prev FROM kv
     WHERE key >= p_key AND key <= p_key
     ORDER BY key, revision DESC
     LIMIT 1;
    put.revision := p_revision;
    put.key := p_key;
    put.value := p_value;
    put.prev_revision := prev.revision;
    put.txn_revision := coalesce(p_txn_revision, p_revision);
    put.created_at := clock_timestamp();
    put.lease := CASE WHEN p_value IS NULL THEN 0 ELSE coalesce(p_lease, 0) END;
    IF p_value IS NULL THEN
        put.create_revision := prev.create_revision;
        put.version := 0;
    ELSIF prev.revision IS NULL OR prev.value IS NULL THEN
        put.create_revision := p_revision;
        put.version := 1;
    ELSE
        put.create_revision := prev.create_revision;
        put.version := prev.version + 1;
    END IF;
    INSERT INTO kv VALUES (put.*);
    IF prev.revision IS NULL THEN
        prev := NULL;
    END IF;
END
$$;

-- Appends one row for a key with the next revision, attached to p_lease, and wakes the watchers. The
-- payload is the revision only: pg_notify aborts a transaction whose payload exceeds 8000 bytes,
-- values may not.
CREATE OR REPLACE FUNCTION kv_append(p_key text, p_value bytea, p_txn_revision bigint, p_lease bigint DEFAULT 0)
RETURNS kv
LANGUAGE plpgsql AS $$
DECLARE
    rev      bigint;
    appended record;
BEGIN
    UPDATE kv_revision SET current = current + 1 RETURNING current INTO rev;
    appended := kv_append_with_prev(rev, p_key, p_value, p_txn_revision, p_lease);
    PERFORM pg_notify('keywatch', rev::text);
    RETURN appended.put;
END
$$;

-- Refuses a lease that does not exist (KW404, the id in the detail); 0 and NULL are no lease. The
-- caller holds the writers' lock: a revoke takes it too, so a lease seen here cannot be revoked
-- before the caller's put commits (its key would outlive it), and one revoked before is not found.
CREATE OR REPLACE FUNCTION kv_require_lease(p_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(p_id, 0) <> 0 AND NOT EXISTS (SELECT 1 FROM lease WHERE id = p_id) THEN
        RAISE EXCEPTION 'etcdserver: requested lease not found' USING ERRCODE = 'KW404', DETAIL = p_id::text;
    END IF;
END
$$;

-- Puts a value attached to p_lease (0: none, which detaches the key from any lease). p_txn_revision
-- groups the writes of one multi-key transaction (NULL: a transaction of its own). Returns the new
-- row.
CREATE OR REPLACE FUNCTION kv_put(p_key text, p_value bytea, p_txn_revision bigint DEFAULT NULL, p_lease bigint DEFAULT 0)
RETURNS kv
LANGUAGE plpgsql AS $$
BEGIN
    IF p_value IS NULL THEN
        RAISE EXCEPTION 'kv_put: value of % must not be NULL, use kv_delete', p_key
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF coalesce(p_lease, 0) <> 0 THEN
        PERFORM kv_lock();
        PERFORM kv_require_lease(p_lease);
    END IF;
    RETURN kv_append(p_key, p_value, p_txn_revision, p_lease);
END
$$;

-- Puts several independent values in one transaction (group commit), each with the row it
-- superseded and attached to its lease in p_leases (0 or NULL: none): each is a transaction of its
-- own for watchers and gets its own revision, in the order given. The batch takes its revisions with
-- one update of the counter row and wakes the watchers with one notification (V2): the hottest row
-- gets one new version per batch, and every listener one wake-up per batch. The leases are checked
-- after that update has locked the counter row (see kv_require_lease), one primary-key lookup per
-- put that carries one.
CREATE OR REPLACE FUNCTION kv_put_many_with_prev(p_keys text[], p_values bytea[], p_leases bigint[] DEFAULT NULL)
RETURNS TABLE (put kv, prev kv)
LANGUAGE plpgsql ROWS 8 AS $$
DECLARE
    n        int := coalesce(cardinality(p_keys), 0);
    last     bigint;
    appended record;
BEGIN
    IF n IS DISTINCT FROM coalesce(cardinality(p_values), 0) THEN
        RAISE EXCEPTION 'kv_put_many: % keys but % values', n, cardinality(p_values)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_leases IS NOT NULL AND cardinality(p_leases) <> n THEN
        RAISE EXCEPTION 'kv_put_many: % keys but % leases', n, cardinality(p_leases)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF n = 0 THEN
        RETURN;
    END IF;
    FOR i IN 1 .. n LOOP
        IF p_values[i] IS NULL THEN
            RAISE EXCEPTION 'kv_put_many: value of % must not be NULL, use kv_delete', p_keys[i]
                USING ERRCODE = 'null_value_not_allowed';
        END IF;
    END LOOP;
    UPDATE kv_revision SET current = current + n RETURNING current INTO last;
    IF p_leases IS NOT NULL THEN
        FOR i IN 1 .. n LOOP
            PERFORM kv_require_lease(p_leases[i]);
        END LOOP;
    END IF;
    FOR i IN 1 .. n LOOP
        appended := kv_append_with_prev(last - n + i, p_keys[i], p_values[i], NULL, coalesce(p_leases[i], 0));
        put := appended.put;
        prev := appended.prev;
        RETURN NEXT;
    END LOOP;
    PERFORM pg_notify('keywatch', last::text);
END
$$;

-- kv_put_many_with_prev without the superseded rows.
CREATE OR REPLACE FUNCTION kv_put_many(p_keys text[], p_values bytea[]) RETURNS SETOF kv
LANGUAGE sql ROWS 8 AS $$
    SELECT (r.put).* FROM kv_put_many_with_prev(p_keys, p_values) r
$$;

-- Deletes a key by appending a tombstone. Deleting an absent key writes nothing and returns NULL.
CREATE OR REPLACE FUNCTION kv_delete(p_key text, p_txn_revision bigint DEFAULT NULL) RETURNS kv
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

-- etcd's DeleteRange: tombstones every live key in [p_from, p_to) in key order, one revision
-- each, consecutive (the writers' lock is taken first), and returns each tombstone with the row it
-- deleted. p_txn_revision groups the writes of a transaction for watchers (NULL: the first
-- tombstone's revision starts a transaction of its own). A range without live keys writes nothing.
CREATE OR REPLACE FUNCTION kv_delete_range(p_from text, p_to text, p_txn_revision bigint DEFAULT NULL)
RETURNS TABLE (tombstone kv, prev kv)
LANGUAGE plpgsql AS $$
DECLARE
    txn  bigint := p_txn_revision;
    live kv;
BEGIN
    PERFORM kv_lock();
    FOR live IN
        SELECT l.* FROM (SELECT DISTINCT ON (key) * FROM kv
                          WHERE key >= p_from AND key < p_to
                          ORDER BY key, revision DESC) l
         WHERE l.value IS NOT NULL
         ORDER BY l.key
    LOOP
        tombstone := kv_append(live.key, NULL, txn);
        prev := live;
        txn := tombstone.txn_revision;
        RETURN NEXT;
    END LOOP;
END
$$;

-- Compacts to revision p_revision, as etcd does: afterwards a key can be read at any revision
-- >= p_revision, but not below it. Removes
--   * every row below p_revision superseded by a newer row of its key at or below p_revision, and
--   * every tombstone below p_revision.
-- The newest row of a key is never superseded, so a live value is never removed.
-- Example: puts of a at 1, 3, 6 and a delete of b (put at 2) at 4; compacting to 5 removes a@1 (a@3
-- supersedes it at 5), b@2 and the tombstone b@4, and keeps a@3 (a's value at 5) and a@6.
--
-- The store compacts in steps so that writers never wait for the removal (issue 16: one DELETE of
-- 299,000 rows under the writers' lock held a put for 3.65 s):
--   1. kv_compact_begin, under the writers' lock for a moment: raises the compacted revision. From
--      its commit on, reads and watches below p_revision are refused, and nothing reads what the
--      next step removes (a snapshot taken before still sees every row: MVCC).
--   2. kv_compact_step over [p_from, p_to), one transaction per range and without the writers'
--      lock, ranges in increasing revision order from the oldest row up to p_revision. A row is
--      removed in the same step as the newer row that supersedes it or in an earlier one, never
--      after, so between steps a read at or above p_revision finds what it finds after the whole
--      compaction: a key never shows a superseded value, a deleted key never comes back.
-- Writes meanwhile append rows above the current revision, which decide nothing here. A compaction
-- that stops between steps leaves superseded rows, which a later compaction removes (it starts at
-- the oldest row).
--
-- kv_compact does both in one transaction (for psql; it holds the writers' lock throughout) and
-- returns the number of rows removed.
CREATE OR REPLACE FUNCTION kv_compact(p_revision bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    oldest bigint;
BEGIN
    oldest := kv_compact_begin(p_revision);
    IF oldest IS NULL THEN
        RETURN 0;
    END IF;
    RETURN kv_compact_step(p_revision, oldest, p_revision);
END
$$;

-- Step 1 of a compaction to p_revision: checks it, raises the compacted revision to it and returns
-- the oldest revision in the store, where the steps start; NULL when the store is compacted to it
-- already.
CREATE OR REPLACE FUNCTION kv_compact_begin(p_revision bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    head bigint;
BEGIN
    head := kv_lock();
    IF p_revision < 0 OR p_revision > head THEN
        RAISE EXCEPTION 'kv_compact: revision % is not between 0 and the current revision %', p_revision, head
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_revision <= (SELECT compacted FROM kv_revision) THEN
        RETURN NULL;
    END IF;
    UPDATE kv_revision SET compacted = p_revision;
    RETURN coalesce((SELECT min(revision) FROM kv), p_revision);
END
$$;

-- Step 2 of a compaction to p_revision: removes what it removes among the rows of revisions in
-- [p_from, p_to) and returns how many. The only place the compaction rule is written.
CREATE OR REPLACE FUNCTION kv_compact_step(p_revision bigint, p_from bigint, p_to bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    removed bigint;
BEGIN
    DELETE FROM kv old
     WHERE old.revision >= p_from
       AND old.revision < least(p_to, p_revision)
       AND (old.value IS NULL
            OR EXISTS (SELECT 1 FROM kv newer
                        WHERE newer.key = old.key
                          AND newer.revision > old.revision
                          AND newer.revision <= p_revision));
    GET DIAGNOSTICS removed = ROW_COUNT;
    RETURN removed;
END
$$;

-- The revision a compaction by age goes to: the first revision written at or after p_instant (at
-- most the current revision), or NULL if nothing was older.
CREATE OR REPLACE FUNCTION kv_compact_target(p_instant timestamptz) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT least(older.target, r.current)
      FROM (SELECT max(revision) + 1 AS target FROM kv WHERE created_at < p_instant) older, kv_revision r
     WHERE older.target IS NOT NULL
$$;

-- Compacts away what was superseded before an instant, in one transaction (see kv_compact).
-- Returns the revision compacted to, or NULL if nothing was older.
CREATE OR REPLACE FUNCTION kv_compact_before(p_instant timestamptz) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    target bigint;
BEGIN
    PERFORM kv_lock();
    target := kv_compact_target(p_instant);
    IF target IS NOT NULL THEN
        PERFORM kv_compact(target);
    END IF;
    RETURN target;
END
$$;

-- Leases (the lease table and kv.lease are in V7__leases.sql). Errors raised, by SQLSTATE, for the
-- Java adapter to map to etcd's errors:
--   KW404  etcdserver: requested lease not found
--   KW409  etcdserver: lease already exists

-- Grants a lease of p_ttl seconds, expiring that long from now. p_id 0 lets the store choose an
-- unused positive id, as etcd does; a given id that exists is refused (KW409). Chosen ids stay below
-- 2^53, so that JSON clients that read numbers as doubles (JavaScript, jq 1.6) keep them exact.
CREATE OR REPLACE FUNCTION kv_lease_grant(p_id bigint, p_ttl bigint) RETURNS lease
LANGUAGE plpgsql AS $$
DECLARE
    granted lease;
BEGIN
    LOOP
        INSERT INTO lease (id, ttl, expires_at)
        VALUES (CASE WHEN p_id = 0 THEN floor(random() * 9007199254740991)::bigint + 1 ELSE p_id END,
                p_ttl, now() + make_interval(secs => p_ttl))
        ON CONFLICT (id) DO NOTHING
        RETURNING * INTO granted;
        IF granted.id IS NOT NULL THEN
            RETURN granted;
        END IF;
        IF p_id <> 0 THEN
            RAISE EXCEPTION 'etcdserver: lease already exists' USING ERRCODE = 'KW409', DETAIL = p_id::text;
        END IF;
    END LOOP;
END
$$;

-- Renews a lease: it expires its TTL from now. A lease past its expiry is not renewed, even if no
-- server has revoked it yet (etcd's Renew waits for that revoke and then reports not found).
CREATE OR REPLACE FUNCTION kv_lease_renew(p_id bigint) RETURNS lease
LANGUAGE plpgsql AS $$
DECLARE
    renewed lease;
BEGIN
    UPDATE lease SET expires_at = now() + make_interval(secs => ttl)
     WHERE id = p_id AND expires_at > now()
    RETURNING * INTO renewed;
    IF renewed.id IS NULL THEN
        RAISE EXCEPTION 'etcdserver: requested lease not found' USING ERRCODE = 'KW404', DETAIL = p_id::text;
    END IF;
    RETURN renewed;
END
$$;

-- The keys attached to a lease: those whose newest row carries it (a later put without the lease,
-- or a delete, detached the others). In key order, as etcd deletes them.
CREATE OR REPLACE FUNCTION kv_lease_keys(p_id bigint) RETURNS SETOF text
LANGUAGE sql STABLE AS $$
    SELECT k.key
      FROM (SELECT DISTINCT key FROM kv WHERE lease = p_id AND lease <> 0) k  -- "<> 0": the partial index
     CROSS JOIN LATERAL (SELECT lease FROM kv
                          WHERE key >= k.key AND key <= k.key
                          ORDER BY key, revision DESC
                          LIMIT 1) newest
     WHERE newest.lease = p_id
     ORDER BY k.key
$$;

-- Deletes the keys of a lease whose row the caller has deleted, under the writers' lock: one
-- tombstone per key at consecutive revisions, all of one transaction for watchers (txn_revision is
-- the first), and one notification. Returns the tombstones with the rows they superseded.
CREATE OR REPLACE FUNCTION kv_lease_tombstones(p_id bigint) RETURNS TABLE (put kv, prev kv)
LANGUAGE plpgsql ROWS 8 AS $$
DECLARE
    keys     text[];
    n        int;
    last     bigint;
    appended record;
BEGIN
    keys := ARRAY(SELECT kv_lease_keys(p_id));
    n := cardinality(keys);
    IF n = 0 THEN
        RETURN;
    END IF;
    UPDATE kv_revision SET current = current + n RETURNING current INTO last;
    FOR i IN 1 .. n LOOP
        appended := kv_append_with_prev(last - n + i, keys[i], NULL, last - n + 1);
        put := appended.put;
        prev := appended.prev;
        RETURN NEXT;
    END LOOP;
    PERFORM pg_notify('keywatch', last::text);
END
$$;

-- Revokes a lease: removes it and deletes its keys in this transaction. Unknown: KW404.
CREATE OR REPLACE FUNCTION kv_lease_revoke(p_id bigint) RETURNS TABLE (put kv, prev kv)
LANGUAGE plpgsql ROWS 8 AS $$
BEGIN
    PERFORM kv_lock();
    DELETE FROM lease WHERE id = p_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'etcdserver: requested lease not found' USING ERRCODE = 'KW404', DETAIL = p_id::text;
    END IF;
    RETURN QUERY SELECT * FROM kv_lease_tombstones(p_id);
END
$$;

-- Revokes up to p_limit leases past their expiry, soonest expired first; returns their ids. Exactly
-- one caller at a time does it: the others find the advisory lock taken and return nothing at once
-- (they neither wait nor delete), so two admin servers never both revoke. The lock is the
-- transaction's, so a server that dies mid-way releases it with its connection.
--   1. nothing expired: return without any lock (the common case, every check interval);
--   2. take the expiry lock (key 1264012357, 'KWLE' in ASCII), then the writers' lock;
--   3. per lease, delete its row only if it is still expired (a keep-alive may have renewed it
--      since step 1: the DELETE re-checks a row that changed), then its keys.
CREATE OR REPLACE FUNCTION kv_lease_expire(p_limit int) RETURNS SETOF bigint
LANGUAGE plpgsql AS $$
DECLARE
    expired bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM lease WHERE expires_at <= now()) THEN
        RETURN;
    END IF;
    IF NOT pg_try_advisory_xact_lock(1264012357) THEN
        RETURN;
    END IF;
    PERFORM kv_lock();
    FOR expired IN SELECT id FROM lease WHERE expires_at <= now() ORDER BY expires_at, id LIMIT p_limit LOOP
        DELETE FROM lease WHERE id = expired AND expires_at <= now();
        IF FOUND THEN
            PERFORM kv_lease_tombstones(expired);
            RETURN NEXT expired;
        END IF;
    END LOOP;
END
$$;
