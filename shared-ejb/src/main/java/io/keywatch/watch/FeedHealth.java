package io.keywatch.watch;

import io.keywatch.config.Settings;
import jakarta.ejb.EJBException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.NoSuchElementException;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the watch's LISTEN connection is up and its last poll reached the database, unless
 * {@code keywatch.watch.readiness} is false (the proxy: it serves its last routes without the
 * store, and has a readiness check of its own); then this check only reports.
 */
@Readiness
@ApplicationScoped
public class FeedHealth implements HealthCheck {

  private static final String NAME = "keywatch-watch";

  @Inject WatchHub hub;
  @Inject Settings settings;

  @Override
  public HealthCheckResponse call() {
    FeedState s;
    boolean gatesReadiness;
    try {
      s = hub.state();
      gatesReadiness = settings.watchReadiness();
    } catch (EJBException | NoSuchElementException starting) {
      // the first probes of a start come while the container still creates the watch's singleton,
      // or before the application's configuration can be read
      return HealthCheckResponse.named(NAME).down().withData("starting", "true").build();
    }
    return HealthCheckResponse.named(NAME)
        .status(s.connected() || !gatesReadiness)
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
