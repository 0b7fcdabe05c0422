package io.keywatch.admin.routes;

import io.keywatch.admin.config.AdminSettings;
import io.keywatch.admin.kv.Values;
import io.keywatch.routes.InvalidRouteException;
import io.keywatch.routes.Route;
import io.keywatch.routes.Upstream;
import io.keywatch.routes.UpstreamRef;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Refuses a route or upstream object whose nodes turn the gateway, which anyone may reach, against
 * what stands behind it: the admin server itself (this server's port or its etcd gRPC port on one
 * of this machine's addresses: the gateway would open the loopback-only admin API or the store to
 * the network) and link-local addresses (169.254.0.0/16, where clouds serve instance metadata and
 * credentials at 169.254.169.254, and fe80::/10). {@code keywatch.routes.allow-private-upstreams}
 * lets them through. Other loopback upstreams stay allowed: a gateway in front of local services is
 * the common case.
 *
 * <p>An address is judged as the JDK reads it (the gateway's HTTP client resolves hosts through the
 * JDK too), so {@code 2852039166}, {@code 169.254.43518} and {@code [::ffff:a9fe:a9fe]} are all
 * 169.254.169.254. A host name is not looked up here (that would need DNS at every write) but for
 * {@code localhost}; a digits-and-dots host that is no address the JDK parses is refused, since the
 * gateway would hand it to DNS.
 */
@ApplicationScoped
public class UpstreamGuard {

  /**
   * At most four dot-separated decimal parts: the IPv4 spellings the JDK knows (a, a.b, a.b.c,
   * a.b.c.d).
   */
  private static final Pattern NUMERIC_HOST = Pattern.compile("[0-9.]+");

  private static final Pattern IPV4_SPELLING = Pattern.compile("\\d{1,10}(\\.\\d{1,10}){0,3}");

  @Inject AdminSettings settings;

  /**
   * @throws InvalidRouteException naming the upstream and the setting that would allow it
   */
  public void check(Route route) {
    if (route.upstream() instanceof UpstreamRef.Url u) {
      URI url = u.url();
      int port = url.getPort() != -1 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
      check("upstream " + url, url.getHost(), port);
    } else if (route.upstream() instanceof UpstreamRef.Inline i) {
      check(i.upstream());
    } // an upstream_id names an upstream checked when it was stored
  }

  /**
   * @throws InvalidRouteException naming the node and the setting that would allow it
   */
  public void check(Upstream upstream) {
    for (Upstream.Node n : upstream.nodes()) {
      String host = n.host().indexOf(':') >= 0 ? "[" + n.host() + "]" : n.host();
      check("upstream node " + n.address(), host, n.port());
    }
  }

  private void check(String what, String host, int port) {
    if (settings.allowPrivateUpstreams()) {
      return;
    }
    problem(host, port)
        .ifPresent(
            p -> {
              throw new InvalidRouteException(
                  List.of(
                      what
                          + " "
                          + p
                          + " (set keywatch.routes.allow-private-upstreams=true to allow it)"));
            });
  }

  /** Checks what a value about to be stored holds, if it is a route or an upstream. */
  public void check(Values.Admitted admitted) {
    admitted.route().ifPresent(this::check);
    admitted.upstream().ifPresent(this::check);
  }

  /** {@code host} as in a URL: an IPv6 address in brackets. */
  private Optional<String> problem(String rawHost, int port) {
    String host = rawHost.toLowerCase(Locale.ROOT);
    boolean local;
    if (host.equals("localhost") || host.endsWith(".localhost")) {
      local = true; // RFC 6761: always loopback
    } else if (host.startsWith("[") || NUMERIC_HOST.matcher(host).matches()) {
      if (!host.startsWith("[") && !IPV4_SPELLING.matcher(host).matches()) {
        return Optional.of(
            "has a numeric host that is no IP address (the gateway would look it up in DNS)");
      }
      InetAddress address;
      try {
        address = InetAddress.getByName(host); // a literal: parsed, never looked up
      } catch (UnknownHostException e) {
        return Optional.of(
            "has a numeric host that is no IP address (the gateway would look it up in DNS)");
      }
      if (address.isLinkLocalAddress()) {
        return Optional.of(
            "is link-local ("
                + address.getHostAddress()
                + "), where clouds serve instance metadata and credentials");
      }
      local = isThisMachine(address);
    } else {
      return Optional.empty();
    }
    if (!local) {
      return Optional.empty();
    }
    if (port == settings.adminPort()) {
      return Optional.of("is this admin server itself (the gateway would expose the admin API)");
    }
    return port == settings.etcdPort()
        ? Optional.of("is this admin server's etcd API (the gateway would expose the store)")
        : Optional.empty();
  }

  private static boolean isThisMachine(InetAddress address) {
    try {
      return address.isLoopbackAddress()
          || address.isAnyLocalAddress()
          || NetworkInterface.getByInetAddress(address) != null;
    } catch (SocketException e) {
      return false;
    }
  }
}
