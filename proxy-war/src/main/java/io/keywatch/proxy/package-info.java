/**
 * The data plane: a gateway that follows the routes in the store. {@code table} mirrors the routes
 * and upstreams through the watch (and keeps them on disk, so the proxy starts and serves without
 * PostgreSQL); {@code matcher} finds a request's route; {@code balance} chooses the upstream node
 * and keeps its health; {@code forward} sends the request on. Every setting is in {@link
 * io.keywatch.proxy.ProxySettings}.
 */
package io.keywatch.proxy;
