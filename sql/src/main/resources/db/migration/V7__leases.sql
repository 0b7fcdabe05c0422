-- Leases, as etcd has them (issue 15): a lease is granted with a TTL in seconds, keys are attached to
-- it by a put, and when it is revoked or expires every key still attached is deleted, as tombstones
-- of one transaction (consecutive revisions, one batch for watchers).
--
-- Expiry times live here, not in a server's memory, so they survive restarts, and they are measured
-- with the database's clock (now()): with several admin servers it is the one clock they share.
-- A key's lease is recorded in its row (kv.lease, 0 for none), as etcd keeps it in its KeyValue:
--   * a put with a lease attaches the key, a put without one detaches it (etcd's lease 0);
--   * a delete detaches it: its tombstone has lease 0;
--   * the keys of a lease are those whose newest row carries it (kv_lease_keys).
--
-- Changes to functions of earlier migrations (the lead folds them into the repeatable file):
--   * kv_append_with_prev gets p_lease (DEFAULT 0) and records it; it is dropped and created again,
--     since a new argument makes a new function (kv_append calls it with four arguments, as before);
--   * kv_put_many_with_prev gets p_leases (DEFAULT NULL: no leases) and checks each given lease with
--     one primary-key lookup, only for the puts that carry one; dropped and created for the same
--     reason (kv_put_many calls it with two arguments, as before).

-- Errors raised here, by SQLSTATE, for the Java adapter to map to etcd's errors:
--   KW404  etcdserver: requested lease not found
--   KW409  etcdserver: lease already exists

ALTER TABLE kv ADD COLUMN lease bigint NOT NULL DEFAULT 0;  -- no rewrite: a constant default
-- only rows that carry a lease: a put without one adds nothing to this index
CREATE INDEX kv_lease ON kv (lease) WHERE lease <> 0;

CREATE TABLE lease (
    id         bigint PRIMARY KEY CHECK (id <> 0),       -- 0 is etcd's "no lease"
    ttl        bigint      NOT NULL CHECK (ttl > 0),     -- seconds, as granted (after the minimum)
    granted_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL                       -- renewed by keep-alive
);
CREATE INDEX lease_expires_at ON lease (expires_at);

-- Appends one row at a revision the caller has taken from kv_revision (under its lock), attached to
-- p_lease (0: none); returns it and the row of the key it superseded (NULL for a new key).
DROP FUNCTION kv_append_with_prev(bigint, text, bytea, bigint);
CREATE FUNCTION kv_append_with_prev(p_revision bigint, p_key text, p_value bytea, p_txn_revision bigint,
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

-- Puts several independent values in one transaction (group commit), each with the row it
-- superseded and attached to its lease in p_leases (0 or NULL: none). The leases are checked after
-- the counter row is locked: a revoke holds that lock too, so a lease seen here cannot be revoked
-- before this put commits (its keys would outlive it), and one revoked before is not found.
DROP FUNCTION kv_put_many_with_prev(text[], bytea[]);
CREATE FUNCTION kv_put_many_with_prev(p_keys text[], p_values bytea[], p_leases bigint[] DEFAULT NULL)
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
            IF p_leases[i] <> 0 AND NOT EXISTS (SELECT 1 FROM lease WHERE id = p_leases[i]) THEN
                RAISE EXCEPTION 'etcdserver: requested lease not found'
                    USING ERRCODE = 'KW404', DETAIL = p_leases[i]::text;
            END IF;
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

-- Grants a lease of p_ttl seconds, expiring that long from now. p_id 0 lets the store choose an
-- unused positive id, as etcd does; a given id that exists is refused (KW409). Chosen ids stay below
-- 2^53, so that JSON clients that read numbers as doubles (JavaScript, jq 1.6) keep them exact.
CREATE FUNCTION kv_lease_grant(p_id bigint, p_ttl bigint) RETURNS lease
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
CREATE FUNCTION kv_lease_renew(p_id bigint) RETURNS lease
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
CREATE FUNCTION kv_lease_keys(p_id bigint) RETURNS SETOF text
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
CREATE FUNCTION kv_lease_tombstones(p_id bigint) RETURNS TABLE (put kv, prev kv)
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
CREATE FUNCTION kv_lease_revoke(p_id bigint) RETURNS TABLE (put kv, prev kv)
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
CREATE FUNCTION kv_lease_expire(p_limit int) RETURNS SETOF bigint
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
