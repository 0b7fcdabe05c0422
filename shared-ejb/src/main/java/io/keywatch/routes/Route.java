package io.keywatch.routes;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Where requests go: those whose path is {@code uri} (or starts with it, for a {@code /*} route),
 * optionally only for some methods and one host, are forwarded to {@code upstream}.
 *
 * @param uri an exact path such as {@code /get}, or a prefix such as {@code /api/*}
 * @param upstream an absolute http(s) URL (its path, if any, is put before the request's path), an
 *     upstream object, or the id of a stored one
 * @param methods the methods served; empty means all
 * @param host the Host served (without port); empty means any
 * @param timeout how long the upstream may take to answer; empty means the proxy's default
 * @param websocket whether a WebSocket upgrade is passed on (APISIX's {@code enable_websocket})
 * @param verifyTls for https upstreams, whether a certificate must be trusted and name its host
 *     (APISIX's upstream {@code tls.verify}, but on by default)
 */
public record Route(
    String uri,
    UpstreamRef upstream,
    Set<String> methods,
    Optional<String> host,
    Optional<Duration> timeout,
    boolean websocket,
    boolean verifyTls) {

  public Route {
    methods = Set.copyOf(methods);
  }

  /** A route whose https upstreams, if it has any, are verified. */
  public Route(
      String uri,
      UpstreamRef upstream,
      Set<String> methods,
      Optional<String> host,
      Optional<Duration> timeout,
      boolean websocket) {
    this(uri, upstream, methods, host, timeout, websocket, true);
  }

  /** A route to an upstream URL, verified if it is https. */
  public Route(
      String uri,
      URI upstream,
      Set<String> methods,
      Optional<String> host,
      Optional<Duration> timeout,
      boolean websocket) {
    this(uri, new UpstreamRef.Url(upstream), methods, host, timeout, websocket);
  }

  /** A route to an upstream URL that passes no WebSocket upgrade on. */
  public Route(
      String uri,
      URI upstream,
      Set<String> methods,
      Optional<String> host,
      Optional<Duration> timeout) {
    this(uri, upstream, methods, host, timeout, false);
  }

  /** The key a route with this id is stored under. */
  public static String key(String id) {
    return RouteCodec.PREFIX + RouteCodec.requireId(id);
  }

  public boolean isPrefix() {
    return uri.endsWith("/*");
  }

  /** For a prefix route, the path every matching request starts with, e.g. {@code /api/}. */
  public String pathPrefix() {
    return isPrefix() ? uri.substring(0, uri.length() - 1) : uri;
  }
}
