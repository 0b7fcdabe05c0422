package io.keywatch.proxy.forward;

import io.keywatch.proxy.ProxySettings;
import io.keywatch.proxy.balance.NodeState;
import io.keywatch.proxy.balance.Pool;
import io.keywatch.proxy.matcher.Target;
import io.keywatch.proxy.table.RouteSnapshot;
import io.keywatch.proxy.table.RouteTable;
import io.keywatch.routes.Upstream;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.http.HttpHeader;

/**
 * APISIX's active health checks: every node of an upstream with {@code checks.active} gets an HTTP
 * GET of its {@code http_path} each {@code healthy.interval} (each {@code unhealthy.interval} while
 * it is down), asynchronously on the upstream client; the outcomes go to {@link NodeState#probed}.
 * Only the upstreams of the current table are probed, so a removed one stops at the next swap.
 */
@ApplicationScoped
public class ActiveChecks {

  private static final Logger LOG = Logger.getLogger(ActiveChecks.class.getName());

  @Inject RouteTable table;
  @Inject UpstreamClient client;
  @Inject ProxySettings settings;
  @Resource ManagedScheduledExecutorService scheduler;

  private final Clock clock = Clock.systemUTC();
  private ScheduledFuture<?> ticks;

  /** The pools with active checks of {@link #seen}; rebuilt when the table changes. */
  private List<Pool> checked = List.of();

  private RouteSnapshot seen;

  void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
    long tick = settings.activeTick().toMillis();
    ticks = scheduler.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
  }

  @PreDestroy
  void stop() {
    if (ticks != null) {
      ticks.cancel(false);
    }
  }

  private void tick() {
    try {
      probeDue();
    } catch (RuntimeException e) {
      // a failed tick must not end the schedule
      LOG.log(Level.WARNING, "HEALTH active check tick failed: " + e, e);
    }
  }

  private void probeDue() {
    RouteSnapshot now = table.snapshot();
    if (now != seen) {
      List<Pool> pools = new ArrayList<>();
      now.upstreams().values().forEach(p -> addIfChecked(pools, p));
      now.index().forEachTarget(t -> addIfChecked(pools, t.pool()));
      checked = pools;
      seen = now;
    }
    long at = clock.millis();
    for (Pool pool : checked) {
      Upstream.Active check = pool.upstream().checks().active().orElseThrow();
      for (NodeState node : pool.nodes()) {
        if (node.probeDue(at, check)) {
          probe(pool, node, check);
        }
      }
    }
  }

  private static void addIfChecked(List<Pool> pools, Pool pool) {
    if (pool != null && pool.upstream().checks().active().isPresent()) {
      pools.add(pool);
    }
  }

  private void probe(Pool pool, NodeState node, Upstream.Active check) {
    Target.Address a = node.address();
    Target.Address to = new Target.Address(a.tls(), a.host(), check.port().orElse(a.port()));
    String host = check.host().orElse(node.hostHeader());
    client
        .newRequest(to, pool.upstream().verifyTls(), "GET", check.httpPath(), check.timeout())
        .timeout(check.timeout().toMillis(), TimeUnit.MILLISECONDS)
        .headers(h -> h.put(HttpHeader.HOST, host))
        .send(
            result -> {
              if (result.isFailed()) {
                node.probed(Exchange.failureKind(result.getFailure()), check);
                return;
              }
              // a status neither list names counts as reachable
              boolean failed =
                  check.unhealthy().httpStatuses().contains(result.getResponse().getStatus());
              node.probed(failed ? NodeState.Failure.HTTP : null, check);
            });
  }
}
