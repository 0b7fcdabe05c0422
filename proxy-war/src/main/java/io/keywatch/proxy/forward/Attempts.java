package io.keywatch.proxy.forward;

import io.keywatch.proxy.balance.NodeState;
import io.keywatch.proxy.balance.Pool;
import io.keywatch.routes.Route;
import io.keywatch.routes.Upstream;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The nodes one request is tried on: the balancer's choice first, then, after a failure that may be
 * retried, another node not tried yet, up to the upstream's {@code retries}; every outcome is
 * counted for the node's passive health.
 */
final class Attempts {

  private final Pool pool;
  private final Upstream upstream;
  private final String key;
  private final Clock clock;
  private final Duration outFor;
  private final String hostRewrite;
  private final List<NodeState> tried = new ArrayList<>(2); // few: retries stop at the nodes

  /**
   * @param path the request's path as the client sent it (what {@code chash} on {@code uri} hashes)
   * @param hostRewrite the Host a route's {@code proxy-rewrite} sends every node, or null
   */
  Attempts(
      Pool pool,
      HttpServletRequest req,
      String path,
      Clock clock,
      Duration outFor,
      String hostRewrite) {
    this.pool = pool;
    this.upstream = pool.upstream();
    this.key = upstream.type() == Upstream.Type.CHASH ? hashKey(upstream, req, path) : null;
    this.clock = clock;
    this.outFor = outFor;
    this.hostRewrite = hostRewrite;
  }

  Upstream upstream() {
    return upstream;
  }

  /** Whether an https node's certificate is checked: unless the route or the upstream says not. */
  boolean verifyTls(Route route) {
    return route.verifyTls() && upstream.verifyTls();
  }

  /** The node for the next try, or null when there is none left (or no try left). */
  NodeState next() {
    if (tried.size() >= upstream.tries()) {
      return null;
    }
    NodeState n = pool.choose(key, tried, clock.millis());
    if (n != null) {
      tried.add(n);
    }
    return n;
  }

  int count() {
    return tried.size();
  }

  void failed(NodeState node, NodeState.Failure failure) {
    node.failed(failure, upstream.checks().passive().unhealthy(), clock.millis(), outFor);
  }

  /** The node answered with this status: a failure or a success by the passive check's lists. */
  void answered(NodeState node, int status) {
    Upstream.Passive passive = upstream.checks().passive();
    if (passive.unhealthy().httpStatuses().contains(status)) {
      failed(node, NodeState.Failure.HTTP);
    } else if (passive.healthy().httpStatuses().contains(status)) {
      node.succeeded(passive.healthy());
    }
  }

  /** The Host the node is sent: the route's rewrite, else {@code pass_host}'s choice. */
  String hostHeader(NodeState node, HttpServletRequest req) {
    if (hostRewrite != null) {
      return hostRewrite; // APISIX's proxy-rewrite host wins over pass_host too
    }
    return switch (upstream.passHost()) {
      case PASS -> {
        String host = req.getHeader("Host");
        yield host == null ? node.hostHeader() : host;
      }
      case NODE -> node.hostHeader();
      case REWRITE -> upstream.upstreamHost().orElseThrow();
    };
  }

  /** What consistent hashing hashes: APISIX's {@code hash_on} and {@code key}. */
  private static String hashKey(Upstream u, HttpServletRequest req, String path) {
    return switch (u.hashOn()) {
      case HEADER -> req.getHeader(u.key());
      case COOKIE -> cookie(req, u.key());
      case VARS ->
          switch (u.key()) {
            case "uri" -> path;
            case "request_uri" ->
                req.getQueryString() == null ? path : path + "?" + req.getQueryString();
            case "host" -> req.getServerName();
            default -> req.getRemoteAddr();
          };
    };
  }

  private static String cookie(HttpServletRequest req, String name) {
    Cookie[] cookies = req.getCookies();
    if (cookies != null) {
      for (Cookie c : cookies) {
        if (c.getName().equals(name)) {
          return c.getValue();
        }
      }
    }
    return null;
  }
}
