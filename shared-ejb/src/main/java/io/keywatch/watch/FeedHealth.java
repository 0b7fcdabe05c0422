package io.keywatch.watch;

import io.keywatch.config.Settings;
import jakarta.ejb.EJBException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the watch's LISTEN connection is up and its last poll reached the database, unless
 * {@code keywatch.watch.readiness} is false (the proxy: it serves its last routes without the store,
 * and has a readiness check of its own); then this check only reports.
 */
@Readiness
@ApplicationScoped
public class FeedHealth implements HealthCheck {

  @Inject WatchHub hub;
  @Inject Settings settings;

  private static final String NAME = "keywatch-watch";

  @Override
  public HealthCheckResponse call() {
    FeedState s;
    try {
      s = hub.state();
    } catch (EJBException starting) {
      // the first probes of a start come while the container still creates the watch's singleton
      return HealthCheckResponse.named(NAME).status(!settings.watchReadiness()).withData("starting", "true").build();
    }
    return HealthCheckResponse.named(NAME)
        .status(s.connected() || !settings.watchReadiness())
        .withData("connected", String.valueOf(s.connected())) // Payara drops boolean data
        .withData("revision", s.revision())
        .withData("storeRevision", s.storeRevision())
        .withData("lag", s.lag())
        .withData("reconnects", s.reconnects())
        .withData("watches", hub.watchCount())
        .withData("lastPoll", String.valueOf(s.lastPoll()))
        .withData("lastError", String.valueOf(s.lastError()))
        .build();
  }
}
