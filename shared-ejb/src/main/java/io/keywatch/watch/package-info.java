/**
 * Watching the store: one follower of the store's {@link io.keywatch.kv.ChangeLog} per JVM ({@link
 * io.keywatch.watch.ChangeFeed}; on PostgreSQL one LISTEN connection) turns the store's wake-ups
 * into ordered batches of events, which {@link io.keywatch.watch.WatchHub} fires as CDI events and
 * hands to pull-based {@link io.keywatch.watch.Watch}es. This package sees the store only through
 * the API of {@link io.keywatch.kv}: no SQL, no JDBC.
 *
 * <p>Promises: every revision is delivered exactly once per JVM, in revision order, after it is
 * durable; a transaction's changes arrive in one batch; a restart of PostgreSQL or a lost
 * connection loses nothing (the notification is a wake-up, the table is the truth). A store that
 * went backwards, whose history at or below the feed's position was rewritten (a restored backup,
 * even under the same store id), or a gap compacted away is reported as a {@link
 * io.keywatch.watch.StoreReset}, never papered over. A database unreachable for longer than a
 * heartbeat is told too: the feed is <em>unavailable</em> and every watch's poll says so until it
 * is back.
 *
 * <p>Vocabulary, as in etcd: an <em>unsynced</em> watch catches up from history in the table, a
 * <em>synced</em> one receives live batches, a <em>victim</em> fell too far behind and goes back to
 * unsynced without holding anyone else back.
 */
package io.keywatch.watch;
