-- Group commit, cheaper: a batch of puts takes its revisions with one update of the counter row and
-- wakes the watchers with one notification, instead of one of each per put. The hottest row gets
-- one new version per batch, and every listener one wake-up per batch.

-- Appends one row at a revision the caller has taken from kv_revision (under its lock).
CREATE FUNCTION kv_append_at(p_revision bigint, p_key text, p_value bytea, p_txn_revision bigint) RETURNS kv
LANGUAGE plpgsql AS $$
DECLARE
    prev kv;
    row  kv;
BEGIN
    prev := kv_latest(p_key);
    row.revision := p_revision;
    row.key := p_key;
    row.value := p_value;
    row.prev_revision := prev.revision;
    row.txn_revision := coalesce(p_txn_revision, p_revision);
    row.created_at := clock_timestamp();
    IF p_value IS NULL THEN
        row.create_revision := prev.create_revision;
        row.version := 0;
    ELSIF prev.revision IS NULL OR prev.value IS NULL THEN
        row.create_revision := p_revision;
        row.version := 1;
    ELSE
        row.create_revision := prev.create_revision;
        row.version := prev.version + 1;
    END IF;
    INSERT INTO kv VALUES (row.*);
    RETURN row;
END
$$;

CREATE OR REPLACE FUNCTION kv_append(p_key text, p_value bytea, p_txn_revision bigint) RETURNS kv
LANGUAGE plpgsql AS $$
DECLARE
    rev bigint;
    row kv;
BEGIN
    UPDATE kv_revision SET current = current + 1 RETURNING current INTO rev;
    row := kv_append_at(rev, p_key, p_value, p_txn_revision);
    PERFORM pg_notify('keywatch', rev::text);
    RETURN row;
END
$$;

CREATE OR REPLACE FUNCTION kv_put_many(p_keys text[], p_values bytea[]) RETURNS SETOF kv
LANGUAGE plpgsql AS $$
DECLARE
    n     int := coalesce(cardinality(p_keys), 0);
    last  bigint;
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
        RETURN NEXT kv_append_at(last - n + i, p_keys[i], p_values[i], NULL);
    END LOOP;
    PERFORM pg_notify('keywatch', last::text);
END
$$;
