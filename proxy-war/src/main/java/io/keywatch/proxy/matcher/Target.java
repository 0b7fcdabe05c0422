package io.keywatch.proxy.matcher;

import io.keywatch.routes.Route;
import java.net.URI;
import java.util.Comparator;

/**
 * A route as the forwarder needs it, with its upstream taken apart once when the route is stored
 * rather than on every request.
 *
 * @param key the store key the route came from, e.g. {@code /routes/foo}
 * @param address where to connect: scheme, host (IPv6 without brackets) and port
 * @param basePath the upstream's path without a trailing '/', put before the request's path
 * @param hostHeader the Host header the upstream expects, e.g. {@code 127.0.0.1:8080}
 */
public record Target(String key, Route route, Address address, String basePath, String hostHeader) {

  /**
   * Among routes with the same uri, the most specific is tried first: one for a host before one for
   * any host, one for some methods before one for all; ties are broken by key so the choice never
   * depends on the order routes arrived in.
   */
  static final Comparator<Target> SPECIFIC_FIRST =
      Comparator.<Target, Boolean>comparing(t -> t.route().host().isEmpty())
          .thenComparing(t -> t.route().methods().isEmpty())
          .thenComparing(Target::key);

  /** An upstream server: connections are pooled per address. */
  public record Address(boolean tls, String host, int port) {}

  public static Target of(String key, Route route) {
    URI u = route.upstream();
    boolean tls = "https".equals(u.getScheme());
    int port = u.getPort() >= 0 ? u.getPort() : tls ? 443 : 80;
    String host = u.getHost();
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    String path = u.getRawPath() == null ? "" : u.getRawPath();
    String basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    String hostHeader = u.getPort() >= 0 ? host + ":" + port : host;
    return new Target(key, route, new Address(tls, bare, port), basePath, hostHeader);
  }

  /** Whether this route serves a request with this method and Host (without port). */
  boolean accepts(String method, String host) {
    return (route.methods().isEmpty() || route.methods().contains(method))
        && (route.host().isEmpty() || route.host().get().equalsIgnoreCase(host));
  }
}
