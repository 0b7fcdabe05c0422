-- The put path, as the benchmarks against etcd found it wanting (issue 7). A put now returns the row
-- it superseded as the put itself read it:
--   * the statement calling kv_put_many used to join the superseded rows itself; its snapshot is
--     taken before the puts wait for the revision counter, so a row that another writer (another
--     server, psql) committed meanwhile was invisible to it although the put superseded that row;
--     and a set-returning function is estimated at 1,000 rows, so that join hashed all of kv
--     (every put read the whole history). The put's own lookup runs later, with a fresh snapshot;
--   * that lookup is written inline: calling the SQL function kv_latest from PL/pgSQL paid its own
--     executor set-up per put, half of a put's time inside PostgreSQL.

-- Appends one row at a revision the caller has taken from kv_revision (under its lock); returns it
-- and the row of the key it superseded (NULL for a new key).
CREATE FUNCTION kv_append_with_prev(p_revision bigint, p_key text, p_value bytea, p_txn_revision bigint,
                                    OUT put kv, OUT prev kv)
LANGUAGE plpgsql AS $$
BEGIN
    SELECT * INTO prev FROM kv WHERE key = p_key ORDER BY revision DESC LIMIT 1;
    put.revision := p_revision;
    put.key := p_key;
    put.value := p_value;
    put.prev_revision := prev.revision;
    put.txn_revision := coalesce(p_txn_revision, p_revision);
    put.created_at := clock_timestamp();
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

CREATE OR REPLACE FUNCTION kv_append(p_key text, p_value bytea, p_txn_revision bigint) RETURNS kv
LANGUAGE plpgsql AS $$
DECLARE
    rev      bigint;
    appended record;
BEGIN
    UPDATE kv_revision SET current = current + 1 RETURNING current INTO rev;
    appended := kv_append_with_prev(rev, p_key, p_value, p_txn_revision);
    PERFORM pg_notify('keywatch', rev::text);
    RETURN appended.put;
END
$$;

DROP FUNCTION kv_append_at(bigint, text, bytea, bigint);

-- Puts several independent values in one transaction (group commit), each with the row it
-- superseded: each is a transaction of its own for watchers and gets its own revision, in the order
-- given.
CREATE FUNCTION kv_put_many_with_prev(p_keys text[], p_values bytea[])
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
    FOR i IN 1 .. n LOOP
        appended := kv_append_with_prev(last - n + i, p_keys[i], p_values[i], NULL);
        put := appended.put;
        prev := appended.prev;
        RETURN NEXT;
    END LOOP;
    PERFORM pg_notify('keywatch', last::text);
END
$$;

CREATE OR REPLACE FUNCTION kv_put_many(p_keys text[], p_values bytea[]) RETURNS SETOF kv
LANGUAGE sql ROWS 8 AS $$
    SELECT (r.put).* FROM kv_put_many_with_prev(p_keys, p_values) r
$$;
