-- etcd's v3 API on the store (issue 15): revisions numbered as etcd numbers them. (Its DeleteRange,
-- kv_delete_range, is with the other functions in R__kv_functions.sql.)
--
-- An empty store is at revision 1, as etcd's (and kine's, which writes a compact-revision row at
-- start): the first write gets revision 2. A client that lists an empty store reads header revision
-- 1 and watches from 2, and so sees the first write; with a store at 0 it would watch from
-- revision 1, and "0" means "from now" to etcd clients (Kubernetes, APISIX), so a write between the
-- list and the watch would be missed. A store that was written keeps its numbers.
UPDATE kv_revision SET current = greatest(current, 1);
