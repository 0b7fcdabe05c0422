-- Puts, each with the row it superseded as the put itself saw it. The statement calling kv_put_many
-- cannot look the superseded rows up itself: its snapshot is taken before the puts wait for the
-- revision counter, so a row another writer (another server, psql) committed meanwhile is invisible
-- to it although the put superseded it. Here each lookup is a statement of its own, with a fresh
-- snapshot that sees that row, and the batch's own earlier rows.
CREATE FUNCTION kv_put_many_with_prev(p_keys text[], p_values bytea[])
RETURNS TABLE (put kv, prev kv)
LANGUAGE plpgsql ROWS 8 AS $$
BEGIN
    FOR put IN SELECT * FROM kv_put_many(p_keys, p_values) LOOP
        SELECT * INTO prev FROM kv WHERE kv.revision = (put).prev_revision;
        RETURN NEXT;
    END LOOP;
END
$$;
