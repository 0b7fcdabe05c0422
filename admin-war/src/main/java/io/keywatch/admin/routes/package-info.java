/**
 * The gateway's routes and upstreams over HTTP, as APISIX's Admin API serves them: {@code
 * /routes/{id}} is the key {@code /routes/{id}}, its value a route document checked by {@link
 * io.keywatch.routes.RouteCodec} and stored in canonical form; {@code /upstreams/{id}} likewise
 * with {@link io.keywatch.routes.UpstreamCodec}. Everything else (revisions, conditions, answers)
 * is the {@code kv} feature's, so a route read through {@code /kv/routes/{id}} looks the same.
 */
package io.keywatch.admin.routes;
