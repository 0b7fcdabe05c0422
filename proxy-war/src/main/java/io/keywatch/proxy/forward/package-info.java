/**
 * Forwarding: the servlet filter that is the proxy's hot path, its HTTP/1.1 client on blocking
 * sockets with a keep-alive pool, and the strict parsing of what upstreams send. Promises: bodies
 * are streamed, never held; an upstream failure is a 502 or 504 while it can still be said, and a
 * cut connection after that. Leaves out: HTTP/2, WebSocket upgrades, retries of requests with a
 * body, load balancing over several upstream nodes.
 */
package io.keywatch.proxy.forward;
