package io.keywatch.proxy.matcher;

import io.keywatch.proxy.balance.Pool;
import io.keywatch.routes.ProxyRewrite;
import io.keywatch.routes.Route;
import io.keywatch.routes.Upstream;
import io.keywatch.routes.UpstreamRef;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A route as the forwarder needs it, with its upstream taken apart once when the route is stored
 * rather than on every request.
 *
 * @param key the store key the route came from, e.g. {@code /routes/foo}
 * @param pool the nodes of the route's own upstream (a URL or an inline object); null for a route
 *     that names a stored upstream by {@code upstream_id}, looked up in the same table
 * @param basePath the upstream URL's path without a trailing '/', put before the request's path
 * @param pathRewrite the route's {@code proxy-rewrite} when it changes the path; null for a route
 *     that sends the request's path as it is, so such a route does no rewriting work at all
 * @param hostRewrite the Host the route's {@code proxy-rewrite} sends; null when it sets none
 */
public record Target(
    String key,
    Route route,
    Pool pool,
    String basePath,
    ProxyRewrite pathRewrite,
    String hostRewrite) {

  /** An upstream server: connections are pooled per address. */
  public record Address(boolean tls, String host, int port) {}

  public static Target of(String key, Route route) {
    return of(key, route, null);
  }

  /**
   * The target of a route, keeping the node state of {@code previous} (the same key's target
   * before, or null) when its upstream did not change.
   */
  public static Target of(String key, Route route, Target previous) {
    Upstream upstream;
    String basePath = "";
    if (route.upstream() instanceof UpstreamRef.Url url) {
      URI u = url.url();
      upstream = fromUrl(u);
      String path = u.getRawPath() == null ? "" : u.getRawPath();
      basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    } else if (route.upstream() instanceof UpstreamRef.Inline inline) {
      upstream = inline.upstream();
    } else {
      return new Target(key, route, null, "", pathRewrite(route), hostRewrite(route));
    }
    Pool pool =
        previous != null && previous.pool() != null
            ? previous.pool().reuseFor(key, upstream)
            : new Pool(key, upstream);
    return new Target(key, route, pool, basePath, pathRewrite(route), hostRewrite(route));
  }

  /**
   * The path the upstream is sent for a request to {@code path} (before {@link #basePath}): the
   * path itself unless the route rewrites it.
   */
  public String upstreamPath(String path) {
    return pathRewrite == null ? path : pathRewrite.apply(path);
  }

  private static ProxyRewrite pathRewrite(Route route) {
    return route.rewrite().filter(ProxyRewrite::rewritesPath).orElse(null);
  }

  private static String hostRewrite(Route route) {
    return route.rewrite().flatMap(ProxyRewrite::host).orElse(null);
  }

  /** A URL's upstream: its one node, and the Host the URL names. */
  private static Upstream fromUrl(URI u) {
    boolean tls = "https".equals(u.getScheme());
    String host = u.getHost();
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    int port = u.getPort() >= 0 ? u.getPort() : tls ? 443 : 80;
    return new Upstream(
        List.of(new Upstream.Node(bare, port, 1)),
        Upstream.Type.ROUNDROBIN,
        Upstream.HashOn.VARS,
        "remote_addr",
        tls ? "https" : "http",
        OptionalInt.of(0),
        Upstream.Timeouts.NONE,
        Upstream.PassHost.NODE,
        Optional.empty(),
        Upstream.Checks.DEFAULT,
        true); // a URL route's verification is the route's tls.verify
  }
}
