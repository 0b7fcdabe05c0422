-- etcd's v3 API on the store (issue 15): revisions numbered as etcd numbers them, and the writes of
-- its KV service that touch a range of keys.

-- 1. An empty store is at revision 1, as etcd's (and kine's, which writes a compact-revision row at
-- start): the first write gets revision 2. A client that lists an empty store reads header revision
-- 1 and watches from 2, and so sees the first write; with a store at 0 it would watch from
-- revision 1, and "0" means "from now" to etcd clients (Kubernetes, APISIX), so a write between the
-- list and the watch would be missed. A store that was written keeps its numbers.
UPDATE kv_revision SET current = greatest(current, 1);

-- 2. etcd's DeleteRange: tombstones every live key in [p_from, p_to) in key order, one revision
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
