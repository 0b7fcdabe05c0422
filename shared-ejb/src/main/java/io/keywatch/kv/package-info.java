/**
 * The revisioned key-value store's API: etcd's data model ({@link io.keywatch.kv.KvStore}, its
 * records and exceptions) and the {@link io.keywatch.kv.ChangeLog} a watch follows. Nothing here
 * knows how the store is kept; {@link io.keywatch.kv.postgres} keeps it in PostgreSQL.
 *
 * <p>Promises: every write gets the next revision of one global counter; revisions are gap-free and
 * increase in commit order (see {@code V1__kv.sql} for why); a key can be read as of any revision
 * not yet compacted; compaction never removes a key's live value; an empty store is at revision 1,
 * as etcd's; a lease's keys are deleted in one transaction when it is revoked or expires ({@link
 * io.keywatch.kv.LeaseStore}). etcd's KV service is here in full ({@link
 * io.keywatch.kv.KvStore#range}, {@code deleteRange}, {@code txn(TxnRequest)}, with etcd's
 * refusals; a txn's put attaches leases too); keys are Keywatch's ({@link io.keywatch.kv.Keys}),
 * compared as UTF-8 bytes.
 */
package io.keywatch.kv;
