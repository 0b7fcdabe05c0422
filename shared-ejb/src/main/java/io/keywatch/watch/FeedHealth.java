package io.keywatch.watch;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the watch's LISTEN connection is up and its last poll reached the database. */
@Readiness
@ApplicationScoped
public class FeedHealth implements HealthCheck {

  @Inject WatchHub hub;

  @Override
  public HealthCheckResponse call() {
    FeedState s = hub.state();
    return HealthCheckResponse.named("keywatch-watch")
        .status(s.connected())
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
