package io.keywatch.proxy.balance;

import io.keywatch.proxy.matcher.Target;
import io.keywatch.routes.Upstream;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * One node of an upstream as the gateway sees it now: its requests in flight and its health.
 *
 * <p>A node is out when the passive check counted enough failures in a row (out for a while, then
 * tried again: nginx's {@code max_fails}/{@code fail_timeout}), or when the active check did (out
 * until probes succeed often enough in a row).
 */
public final class NodeState {

  private static final Logger LOG = Logger.getLogger(NodeState.class.getName());

  /** What went wrong with a request or a probe. */
  public enum Failure {
    /** refused, reset or closed */
    TCP,
    TIMEOUT,
    /** answered with a status counted as unhealthy */
    HTTP
  }

  private final String upstream;
  private final Upstream.Node node;
  private final int index;
  private final Target.Address address;
  private final String hostHeader;
  private final AtomicInteger inFlight = new AtomicInteger();

  /** Until when (epoch millis) the passive check keeps the node out. */
  private volatile long passiveOutUntil;

  private volatile boolean activeDown;

  /** When the next active probe is due (epoch millis), and whether one is out. Guarded by this. */
  private long nextProbe;

  private boolean probing;

  /** Failures and successes in a row, by kind, for each check. Guarded by this. */
  private final int[] passiveFailures = new int[Failure.values().length];

  private int passiveSuccesses;
  private final int[] activeFailures = new int[Failure.values().length];
  private int activeSuccesses;

  NodeState(String upstream, Upstream.Node node, int index, boolean tls) {
    this.upstream = upstream;
    this.node = node;
    this.index = index;
    this.address = new Target.Address(tls, node.host(), node.port());
    String host = node.host().indexOf(':') >= 0 ? "[" + node.host() + "]" : node.host();
    this.hostHeader = node.port() == (tls ? 443 : 80) ? host : node.address();
  }

  public Upstream.Node node() {
    return node;
  }

  int index() {
    return index;
  }

  public Target.Address address() {
    return address;
  }

  /** The node as a Host header names it: {@code host:port}, without the scheme's own port. */
  public String hostHeader() {
    return hostHeader;
  }

  int inFlight() {
    return inFlight.get();
  }

  /** A request leaves for this node; {@link #ended()} must follow. */
  public void started() {
    inFlight.incrementAndGet();
  }

  public void ended() {
    inFlight.decrementAndGet();
  }

  public boolean healthy(long now) {
    return !activeDown && now >= passiveOutUntil;
  }

  /** A request to this node failed; enough in a row take it out for {@code outFor}. */
  public synchronized void failed(
      Failure failure, Upstream.Unhealthy limits, long now, Duration outFor) {
    passiveSuccesses = 0;
    int count = ++passiveFailures[failure.ordinal()];
    int limit = limit(limits, failure);
    if (limit > 0 && count >= limit && now >= passiveOutUntil) {
      passiveOutUntil = now + outFor.toMillis();
      Arrays.fill(passiveFailures, 0);
      LOG.warning(
          () ->
              "HEALTH out "
                  + upstream
                  + " "
                  + node.address()
                  + " after "
                  + count
                  + " "
                  + failure
                  + " failures in a row, for "
                  + outFor);
    }
  }

  /** A request to this node was answered; enough in a row clear the failures counted. */
  public synchronized void succeeded(Upstream.Healthy healthy) {
    if (++passiveSuccesses >= healthy.successes()) {
      Arrays.fill(passiveFailures, 0);
    }
  }

  /** The outcome of an active probe: null for a success. */
  public synchronized void probed(Failure failure, Upstream.Active check) {
    probing = false;
    if (failure == null) {
      Arrays.fill(activeFailures, 0);
      if (++activeSuccesses >= check.healthy().successes()
          && (activeDown || passiveOutUntil != 0)) {
        boolean wasDown = activeDown;
        activeDown = false;
        passiveOutUntil = 0;
        if (wasDown) {
          LOG.info(() -> "HEALTH up " + upstream + " " + node.address() + " (active check)");
        }
      }
      return;
    }
    activeSuccesses = 0;
    int count = ++activeFailures[failure.ordinal()];
    int limit = limit(check.unhealthy(), failure);
    if (!activeDown && limit > 0 && count >= limit) {
      activeDown = true;
      LOG.warning(
          () ->
              "HEALTH down "
                  + upstream
                  + " "
                  + node.address()
                  + " after "
                  + count
                  + " "
                  + failure
                  + " probe failures in a row (active check)");
    }
  }

  /**
   * Whether a probe is due now and none is on its way; if so, the next one is due an interval later
   * (the healthy or the unhealthy one).
   */
  public synchronized boolean probeDue(long now, Upstream.Active check) {
    if (probing || now < nextProbe) {
      return false;
    }
    probing = true;
    nextProbe =
        now + (activeDown ? check.unhealthy().interval() : check.healthy().interval()).toMillis();
    return true;
  }

  private static int limit(Upstream.Unhealthy limits, Failure failure) {
    return switch (failure) {
      case TCP -> limits.tcpFailures();
      case TIMEOUT -> limits.timeouts();
      case HTTP -> limits.httpFailures();
    };
  }
}
