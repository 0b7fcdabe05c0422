package io.keywatch.routes;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where requests go: those whose path is one of {@code uris} (or starts with it, for a {@code /*}
 * uri), optionally only for some methods and hosts, are forwarded to {@code upstream}.
 *
 * @param uris exact paths such as {@code /get}, or prefixes such as {@code /api/*}; one or more
 *     (APISIX's {@code uri}, or {@code uris})
 * @param upstream an absolute http(s) URL (its path, if any, is put before the request's path), an
 *     upstream object, or the id of a stored one
 * @param methods the methods served; empty means all
 * @param hosts the Hosts served (without port), each a name or a wildcard such as {@code
 *     *.example.com}; empty means any (APISIX's {@code host}, or {@code hosts})
 * @param timeout how long the upstream may take to answer; empty means the proxy's default
 * @param websocket whether a WebSocket upgrade is passed on (APISIX's {@code enable_websocket})
 * @param verifyTls for https upstreams, whether a certificate must be trusted and name its host
 *     (APISIX's upstream {@code tls.verify}, but on by default)
 * @param priority among routes that match a request equally well, the higher wins (APISIX's {@code
 *     priority})
 * @param rewrite what the {@code proxy-rewrite} plugin changes before the request goes upstream
 */
public record Route(
    List<String> uris,
    UpstreamRef upstream,
    Set<String> methods,
    List<String> hosts,
    Optional<Duration> timeout,
    boolean websocket,
    boolean verifyTls,
    int priority,
    Optional<ProxyRewrite> rewrite) {

  public Route {
    uris = List.copyOf(uris);
    methods = Set.copyOf(methods);
    hosts = List.copyOf(hosts);
  }

  /** A route for one uri and at most one host, of priority 0, that rewrites nothing. */
  public Route(
      String uri,
      UpstreamRef upstream,
      Set<String> methods,
      Optional<String> host,
      Optional<Duration> timeout,
      boolean websocket,
      boolean verifyTls) {
    this(
        List.of(uri),
        upstream,
        methods,
        host.map(List::of).orElse(List.of()),
        timeout,
        websocket,
        verifyTls,
        0,
        Optional.empty());
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

  /** Whether a uri of a route is a prefix, {@code /api/*}. */
  public static boolean isPrefix(String uri) {
    return uri.endsWith("/*");
  }

  /** For a prefix uri, the path every matching request starts with, e.g. {@code /api/}. */
  public static String pathPrefix(String uri) {
    return isPrefix(uri) ? uri.substring(0, uri.length() - 1) : uri;
  }

  /** Whether a host of a route is a wildcard, {@code *.example.com}. */
  public static boolean isWildcard(String host) {
    return host.startsWith("*.");
  }
}
