/**
 * {@code GET /watch}: the store's changes under a prefix as Server-Sent Events, etcd's Watch over
 * HTTP. One event per change ({@code id} = its revision), resumable with {@code Last-Event-ID};
 * {@code event: progress} bookmarks when quiet; {@code event: error} (a problem document) before
 * the server ends a stream.
 *
 * <p>Each stream is one thread pulling from its own {@link io.keywatch.watch.Watch}, so a slow
 * client only slows itself: its watch becomes a victim and catches up from the table, the hub and
 * the other streams never wait for it. A caught-up stream whose socket has room gets a live batch
 * from the feed's thread directly, which only tries and never waits. Leaves out: filters other than
 * the prefix, several prefixes on one stream.
 */
package io.keywatch.admin.watch;
