package io.keywatch.routes;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Where a route's requests go, in APISIX's shape: several nodes, how one is chosen for each
 * request, how many others are tried when it fails, and how nodes are judged healthy.
 *
 * @param nodes the servers, in the order given
 * @param type how a node is chosen
 * @param hashOn for {@link Type#CHASH}: what part of the request the key names
 * @param key for {@link Type#CHASH}: the variable, header or cookie hashed
 * @param scheme {@code http} or {@code https}
 * @param retries how many other nodes a failed request may be tried on; empty means nodes − 1
 * @param timeout how long connecting, sending and reading may take; each empty part falls back
 * @param passHost which Host the upstream gets
 * @param upstreamHost the Host sent with {@link PassHost#REWRITE}
 * @param checks how nodes are judged healthy
 * @param verifyTls for https nodes, whether a certificate must be trusted and name its host
 *     (APISIX's {@code tls.verify}, but on by default); a route's own {@code tls.verify: false}
 *     turns it off too, so either switches it off
 */
public record Upstream(
    List<Node> nodes,
    Type type,
    HashOn hashOn,
    String key,
    String scheme,
    OptionalInt retries,
    Timeouts timeout,
    PassHost passHost,
    Optional<String> upstreamHost,
    Checks checks,
    boolean verifyTls) {

  public Upstream {
    nodes = List.copyOf(nodes);
  }

  /** The key an upstream with this id is stored under. */
  public static String key(String id) {
    return UpstreamCodec.PREFIX + RouteCodec.requireId(id);
  }

  /** How many nodes a request may be tried on in all. */
  public int tries() {
    return retries.isPresent() ? retries.getAsInt() + 1 : Math.max(1, nodes.size());
  }

  public boolean tls() {
    return "https".equals(scheme);
  }

  /** A server; {@code host} is a name or an IP address (IPv6 without brackets). */
  public record Node(String host, int port, int weight) {

    /** As APISIX's node map writes it: {@code host:port}, IPv6 in brackets. */
    public String address() {
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
  }

  public enum Type {
    ROUNDROBIN,
    CHASH,
    LEAST_CONN;

    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** APISIX's {@code hash_on}: a built-in variable ({@code vars}), a header or a cookie. */
  public enum HashOn {
    VARS,
    HEADER,
    COOKIE;

    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public enum PassHost {
    /** the client's Host, as it came */
    PASS,
    /** the chosen node's {@code host:port} */
    NODE,
    /** {@code upstream_host} */
    REWRITE;

    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** APISIX's {@code timeout}; an empty part falls back to the route's, then the proxy's. */
  public record Timeouts(
      Optional<Duration> connect, Optional<Duration> send, Optional<Duration> read) {
    public static final Timeouts NONE =
        new Timeouts(Optional.empty(), Optional.empty(), Optional.empty());
  }

  /**
   * APISIX's {@code checks}. Passive checks always run (with APISIX's default thresholds when not
   * given); active ones only when {@code active} is given.
   */
  public record Checks(Optional<Active> active, Passive passive) {
    public static final Checks DEFAULT = new Checks(Optional.empty(), Passive.DEFAULT);
  }

  /**
   * HTTP GET of {@code httpPath} on every node; a healthy node is probed every {@code
   * healthy.interval}, an unhealthy one every {@code unhealthy.interval}.
   *
   * @param host the Host of the probe; empty means the node's address
   * @param port the port probed; empty means the node's
   */
  public record Active(
      Duration timeout,
      String httpPath,
      Optional<String> host,
      OptionalInt port,
      Healthy healthy,
      Unhealthy unhealthy) {}

  /** Answers that count as failures of a node seen in real traffic. */
  public record Passive(Healthy healthy, Unhealthy unhealthy) {
    public static final Passive DEFAULT =
        new Passive(
            new Healthy(
                Duration.ZERO,
                Set.of(
                    200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305,
                    306, 307, 308),
                5),
            new Unhealthy(Duration.ZERO, Set.of(429, 500, 503), 5, 2, 7));
  }

  /**
   * @param interval between probes of a healthy node (active checks only)
   * @param httpStatuses the statuses that count as a success
   * @param successes successes in a row that make an unhealthy node healthy again (active) or clear
   *     the failures counted (passive)
   */
  public record Healthy(Duration interval, Set<Integer> httpStatuses, int successes) {
    public Healthy {
      httpStatuses = Set.copyOf(httpStatuses);
    }
  }

  /**
   * Failures in a row that take a node out; 0 turns a kind off.
   *
   * @param interval between probes of an unhealthy node (active checks only)
   * @param httpStatuses the statuses that count as an HTTP failure
   */
  public record Unhealthy(
      Duration interval,
      Set<Integer> httpStatuses,
      int httpFailures,
      int tcpFailures,
      int timeouts) {
    public Unhealthy {
      httpStatuses = Set.copyOf(httpStatuses);
    }
  }
}
