/**
 * Forwarding: the servlet filter that is the proxy's hot path and the asynchronous exchange with
 * the upstream (Jetty's HTTP/1.1 client, keep-alive connections per upstream). Promises: no thread
 * is held while a client or an upstream is silent; bodies are streamed, never held, and each side
 * waits for the other (a slow reader slows the writer down); an upstream failure is a 502, 503 or
 * 504 while it can still be said, and a cut connection after that. Leaves out: HTTP/2, WebSocket
 * upgrades, retries of requests, load balancing over several upstream nodes.
 */
package io.keywatch.proxy.forward;
