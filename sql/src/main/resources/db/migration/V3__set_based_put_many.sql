-- A group-commit batch written as one INSERT ... SELECT instead of one PL/pgSQL call, index probe
-- and INSERT per put: each key's newest row before the batch is looked up once, and puts of the
-- same key within the batch follow each other (window over the batch, in revision order), exactly
-- as if they had been written one by one.
CREATE OR REPLACE FUNCTION kv_put_many(p_keys text[], p_values bytea[]) RETURNS SETOF kv
LANGUAGE plpgsql AS $$
DECLARE
    n    int := coalesce(cardinality(p_keys), 0);
    bad  int;
    last bigint;
BEGIN
    IF n IS DISTINCT FROM coalesce(cardinality(p_values), 0) THEN
        RAISE EXCEPTION 'kv_put_many: % keys but % values', n, cardinality(p_values)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF n = 0 THEN
        RETURN;
    END IF;
    bad := array_position(p_values, NULL);
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'kv_put_many: value of % must not be NULL, use kv_delete', p_keys[bad]
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    UPDATE kv_revision SET current = current + n RETURNING current INTO last;
    RETURN QUERY
    WITH batch AS (
        SELECT t.key, t.value, last - n + t.i AS revision,
               lag(last - n + t.i) OVER same_key AS prev_in_batch,
               first_value(last - n + t.i) OVER same_key AS first_in_batch,
               row_number() OVER same_key AS nth
          FROM unnest(p_keys, p_values) WITH ORDINALITY AS t(key, value, i)
        WINDOW same_key AS (PARTITION BY t.key ORDER BY t.i)
    ), written AS (
        INSERT INTO kv (revision, key, value, create_revision, version, prev_revision, txn_revision, created_at)
        SELECT b.revision, b.key, b.value,
               CASE WHEN before.value IS NOT NULL THEN before.create_revision ELSE b.first_in_batch END,
               CASE WHEN before.value IS NOT NULL THEN before.version ELSE 0 END + b.nth,
               coalesce(b.prev_in_batch, before.revision),
               b.revision,
               clock_timestamp()
          FROM batch b
          LEFT JOIN LATERAL (
              SELECT k.revision, k.value, k.create_revision, k.version
                FROM kv k WHERE k.key = b.key ORDER BY k.revision DESC LIMIT 1
          ) before ON true
        RETURNING *
    )
    SELECT * FROM written ORDER BY revision;
    PERFORM pg_notify('keywatch', last::text);
END
$$;
