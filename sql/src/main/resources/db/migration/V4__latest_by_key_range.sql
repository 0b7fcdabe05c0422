-- A key's newest row, whatever the statistics say (issue 7). The lookups read
--     WHERE key = k ORDER BY revision DESC LIMIT 1
-- With statistics taken while a few keys held most rows (one key changed thousands of times), the
-- planner expects every key to match a large part of the table and walks the primary key backwards
-- instead, through every newer row of other keys: a put or get of a key that was not written a
-- moment ago read a large part of the history (100 watch streams under 32 writers: 280 puts/s).
-- A key bounded by a range does not enter the planner's equivalence classes, so ORDER BY key,
-- revision DESC can only come from kv_key_revision, which stops at the key's first entry.

CREATE OR REPLACE FUNCTION kv_latest(p_key text, p_at bigint DEFAULT NULL) RETURNS kv
LANGUAGE sql STABLE AS $$
    SELECT * FROM kv
     WHERE key >= p_key AND key <= p_key AND (p_at IS NULL OR revision <= p_at)
     ORDER BY key, revision DESC
     LIMIT 1
$$;

-- The put's own lookup of the row it supersedes (V3), in the same form.
CREATE OR REPLACE FUNCTION kv_append_with_prev(p_revision bigint, p_key text, p_value bytea, p_txn_revision bigint,
                                    OUT put kv, OUT prev kv)
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
