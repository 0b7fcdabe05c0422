/**
 * Routes and upstreams: the gateway's configuration kept in the store under {@code /routes/{id}}
 * and {@code /upstreams/{id}}, as APISIX keeps them in etcd. Promises: a stored route or upstream
 * always parses, because the admin API validates with the same {@link
 * io.keywatch.routes.RouteCodec} and {@link io.keywatch.routes.UpstreamCodec} the proxy reads with.
 * Leaves out: plugins other than {@code proxy-rewrite} (and its fields other than {@code uri},
 * {@code regex_uri} and {@code host}), services, APISIX's discovery and TCP or HTTPS active checks.
 */
package io.keywatch.routes;
