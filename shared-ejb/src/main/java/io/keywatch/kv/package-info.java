/**
 * The revisioned key-value store's API: etcd's data model ({@link io.keywatch.kv.KvStore}, its
 * records and exceptions) and the {@link io.keywatch.kv.ChangeLog} a watch follows. Nothing here
 * knows how the store is kept; {@link io.keywatch.kv.postgres} keeps it in PostgreSQL.
 *
 * <p>Promises: every write gets the next revision of one global counter; revisions are gap-free and
 * increase in commit order (see {@code V1__kv.sql} for why); a key can be read as of any revision
 * not yet compacted; compaction never removes a key's live value; a lease's keys are deleted in one
 * transaction when it is revoked or expires ({@link io.keywatch.kv.LeaseStore}). Leaves out: ranges
 * other than prefixes.
 */
package io.keywatch.kv;
