package io.keywatch.proxy.forward;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.annotation.Gauge;

/** The WebSocket tunnels as a MicroProfile Metrics gauge. */
@ApplicationScoped
public class TunnelMetrics {

  /** Gauges are registered when the bean is created: create it at start-up, not at first use. */
  void startUp(@Observes @Initialized(ApplicationScoped.class) Object application) {}

  @Gauge(
      absolute = true,
      name = "keywatch_websocket_tunnels",
      unit = MetricUnits.NONE,
      description = "open WebSocket tunnels")
  public int tunnels() {
    return Tunnel.open();
  }
}
