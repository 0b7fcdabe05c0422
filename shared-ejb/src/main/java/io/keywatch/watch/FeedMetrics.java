package io.keywatch.watch;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.annotation.Gauge;

/** The watch's state as MicroProfile Metrics gauges. */
@ApplicationScoped
public class FeedMetrics {

  @Inject WatchHub hub;

  /** Gauges are registered when the bean is created: create it at start-up, not at first use. */
  void startUp(@Observes @Initialized(ApplicationScoped.class) Object application) {}

  @Gauge(
      absolute = true,
      name = "keywatch_watch_revision",
      unit = MetricUnits.NONE,
      description = "last revision delivered")
  public long revision() {
    return hub.state().revision();
  }

  @Gauge(
      absolute = true,
      name = "keywatch_watch_lag",
      unit = MetricUnits.NONE,
      description = "revisions the store is ahead")
  public long lag() {
    return hub.state().lag();
  }

  @Gauge(
      absolute = true,
      name = "keywatch_watch_connected",
      unit = MetricUnits.NONE,
      description = "1 while LISTEN is up")
  public long connected() {
    return hub.state().connected() ? 1 : 0;
  }

  @Gauge(
      absolute = true,
      name = "keywatch_watch_reconnects",
      unit = MetricUnits.NONE,
      description = "reconnections so far")
  public long reconnects() {
    return hub.state().reconnects();
  }

  @Gauge(
      absolute = true,
      name = "keywatch_watches",
      unit = MetricUnits.NONE,
      description = "open watches")
  public long watches() {
    return hub.watchCount();
  }
}
