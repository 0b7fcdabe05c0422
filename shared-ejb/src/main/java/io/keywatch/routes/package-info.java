/**
 * Routes: the gateway's configuration kept in the store under {@code /routes/{id}}, as APISIX keeps
 * its routes in etcd. Promises: a stored route always parses, because the admin API validates with
 * the same {@link io.keywatch.routes.RouteCodec} the proxy reads with. Leaves out: plugins and
 * upstream objects with several nodes.
 */
package io.keywatch.routes;
