package io.keywatch.proxy.traffic;

import io.keywatch.proxy.balance.NodeState;
import io.keywatch.proxy.matcher.RouteIndex;
import io.keywatch.proxy.matcher.Target;
import io.keywatch.proxy.table.RouteTable;
import io.keywatch.routes.RouteCodec;
import io.keywatch.settings.GatewaySetting;
import io.keywatch.watch.EventBatch;
import io.keywatch.watch.StoreReset;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import jakarta.servlet.http.HttpServletRequest;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.MetricRegistry;

/**
 * Records each answered request: the metrics of its route ({@link RouteMeters}) and, when {@code
 * keywatch.proxy.access-log} is on, its {@link AccessLog} line. A route's meters are registered at
 * its first request and removed when the route leaves the table, so the metrics of deleted routes
 * do not pile up; requests no route took count under the route label {@value #NO_ROUTE}, which no
 * route id can be.
 */
@ApplicationScoped
public class Traffic {

  /** Parentheses are not allowed in route ids ({@link RouteCodec#requireId}). */
  static final String NO_ROUTE = "(none)";

  @Inject MetricRegistry registry;
  @Inject RouteTable table;

  @Inject
  @ConfigProperty(name = GatewaySetting.ACCESS_LOG)
  boolean accessLog;

  /** By route key ({@code /routes/foo}): the routes of the table that served a request. */
  private final ConcurrentMap<String, RouteMeters> byKey = new ConcurrentHashMap<>();

  private RouteMeters unrouted;

  @PostConstruct
  void register() {
    unrouted = RouteMeters.unrouted(registry, NO_ROUTE);
  }

  /**
   * A request answered.
   *
   * @param target its route; null when none took it
   * @param node the node that answered (after retries), or the last one tried; null for none
   * @param startNanos {@link System#nanoTime()} when the gateway got the request
   * @param upstreamNanos the upstream's part of it; negative when no node answered
   */
  public void answered(
      HttpServletRequest req,
      Target target,
      NodeState node,
      int status,
      long requestBytes,
      long responseBytes,
      long startNanos,
      long upstreamNanos) {
    RouteMeters meters = target == null ? unrouted : meters(target.key());
    meters.answered(status, requestBytes, responseBytes, upstreamNanos);
    if (accessLog && AccessLog.enabled()) {
      AccessLog.write(
          target == null ? null : meters.route(),
          node == null ? null : node.node().address(),
          req.getMethod(),
          req.getRequestURI(),
          status,
          requestBytes,
          responseBytes,
          System.nanoTime() - startNanos,
          upstreamNanos,
          req.getRemoteAddr());
    }
  }

  /** A try on a node of the route's upstream failed (it may be retried on another). */
  public void failed(Target target, UpstreamError kind) {
    meters(target.key()).failed(kind);
  }

  private RouteMeters meters(String key) {
    RouteMeters m = byKey.get(key);
    if (m != null) {
      return m;
    }
    m = byKey.computeIfAbsent(key, k -> RouteMeters.ofRoute(registry, id(k)));
    // a request matched in a table from before the route was deleted: the sweep has run already
    if (table.index().get(key) == null) {
      drop(key);
    }
    return m;
  }

  /** After the route table took a batch: the meters of routes it no longer has go. */
  void afterBatch(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) EventBatch batch) {
    sweep();
  }

  void afterReset(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) StoreReset reset) {
    sweep();
  }

  private void sweep() {
    RouteIndex index = table.index();
    for (String key : byKey.keySet()) {
      if (index.get(key) == null) {
        drop(key);
      }
    }
  }

  private void drop(String key) {
    RouteMeters gone = byKey.remove(key);
    if (gone != null) {
      gone.remove();
    }
  }

  private static String id(String key) {
    return key.startsWith(RouteCodec.PREFIX) ? key.substring(RouteCodec.PREFIX.length()) : key;
  }
}
