/**
 * The revisioned key-value store: etcd's data model on one append-only PostgreSQL table.
 *
 * <p>Promises: every write gets the next revision of one global counter; revisions are gap-free and
 * increase in commit order (see {@code V1__kv.sql} for why); a key can be read as of any revision
 * not yet compacted; compaction never removes a key's live value. Leaves out: leases, and ranges
 * other than prefixes.
 */
package io.keywatch.kv;
