/**
 * Keys and values over HTTP, etcd's KV service: {@code /kv/{key}} for any key, {@code /txn} for
 * compare-and-swap transactions, and the control pieces that the resources of routes, upstreams and
 * ssl objects share (reads with the store revision, conditional writes, key rules, JSON shapes, and
 * {@link io.keywatch.admin.kv.StoredObjects}, their calls for one kind of object).
 *
 * <p>Promises: a read answers the store revision it was made at; {@code If-Match} and {@code
 * If-None-Match: *} writes are one store transaction (compare and write cannot be separated);
 * values under {@code /routes/} and {@code /upstreams/} are checked by {@link
 * io.keywatch.routes.RouteCodec} and {@link io.keywatch.routes.UpstreamCodec} whichever endpoint
 * writes them, so a stored route or upstream always parses. Values of those keys are shown as JSON
 * objects, every other value as base64 (raw bytes with {@code Accept: application/octet-stream}).
 */
package io.keywatch.admin.kv;
