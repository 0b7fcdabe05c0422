/**
 * The fan-out tier: a gateway that follows an admin server's watch stream ({@code GET
 * /watch?batches=true}, resumed with {@code Last-Event-ID}) instead of PostgreSQL, when {@code
 * keywatch.proxy.feed} names one or more admin servers. The stream feeds the gateway's own {@link
 * io.keywatch.watch.ChangeFeed} through {@link io.keywatch.proxy.feed.AdminStreamLog}, so the route
 * table gets the same batches, resets and reloads as from the database, and the gateway opens no
 * database connection at all. It reads with the admin's feed key, which opens the watch stream and
 * the route list only: the admin API key stays off the gateway.
 */
package io.keywatch.proxy.feed;
