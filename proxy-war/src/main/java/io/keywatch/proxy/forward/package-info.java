/**
 * Forwarding: the servlet filter that is the proxy's hot path and the asynchronous exchange with
 * the upstream (Jetty's HTTP/1.1 client, keep-alive connections per upstream). Promises: no thread
 * is held while an upstream is silent, nor while a client is slow to send its body or to read the
 * response (non-blocking reads under the rules {@code RequestBody} gives); bodies are streamed,
 * never held, and each side waits for the other (a slow reader slows the writer down); an upstream
 * failure is a 502, 503 or 504 while it can still be said, and a cut connection after that; a
 * request reaches an upstream only when each of its parts follows its grammar, over HTTP/1.1 or the
 * container's h2c alike, and never when an earlier request on its connection closed it; a WebSocket
 * upgrade passes only on a route with enable_websocket ({@code WebSocketUpgrade}, {@code Tunnel});
 * a request without a body that a node refused or reset before answering goes to another node
 * ({@code Attempts}: idempotent methods, or any method when nothing was sent), and only when none
 * is left does the client get the failure; nodes of upstreams with {@code checks.active} are probed
 * ({@code ActiveChecks}). Leaves out: HTTP/2 to upstreams, retries of requests with a body (the
 * body is streamed, not kept).
 */
package io.keywatch.proxy.forward;
