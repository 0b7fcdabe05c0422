/**
 * What the gateway records of the requests it answers: Prometheus metrics per route on the status
 * port ({@code RouteMeters}) and one access log line per request ({@code AccessLog}). Promises: a
 * request costs a map lookup and a few counter updates, and no string is built while the access log
 * is off; label values are bounded (route ids of the current table, status codes, five kinds of
 * upstream error); a route's metrics leave with the route. Leaves out: WebSocket tunnels (the gauge
 * {@code keywatch_websocket_tunnels} counts them) and what the container answers by itself.
 */
package io.keywatch.proxy.traffic;
