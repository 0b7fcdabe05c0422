package io.keywatch.admin.compaction;

import io.keywatch.admin.config.AdminSettings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Compacts by age on a schedule when {@code keywatch.retention} is set: every {@code
 * keywatch.retention.interval}, what was superseded longer ago than the retention goes. Each admin
 * server runs its own, and compacting twice to the same place is harmless. A managed scheduler
 * rather than an EJB timer: Payara keeps EJB timers in its data grid, which the servers run without
 * (see PayaraServer).
 */
@Singleton
@Startup
public class RetentionSchedule {

  private static final Logger LOG = Logger.getLogger(RetentionSchedule.class.getName());

  @Inject AdminSettings settings;
  @Inject Compactions compactions;
  @Resource ManagedScheduledExecutorService scheduler;

  private Optional<ScheduledFuture<?>> runs = Optional.empty();

  @PostConstruct
  void start() {
    settings
        .retention()
        .ifPresentOrElse(
            retention -> {
              long every = settings.retentionInterval().toMillis();
              runs =
                  Optional.of(
                      scheduler.scheduleWithFixedDelay(
                          () -> run(retention), every, every, TimeUnit.MILLISECONDS));
              LOG.info(
                  () ->
                      "RETENTION keeps superseded history for "
                          + retention
                          + ", checked every "
                          + settings.retentionInterval());
            },
            () ->
                LOG.info(
                    "RETENTION off: keywatch.retention (KEYWATCH_RETENTION) is not set, history is compacted only on request"));
  }

  @PreDestroy
  void stop() {
    runs.ifPresent(r -> r.cancel(false));
  }

  private void run(Duration retention) {
    try {
      compactions.olderThan(retention);
    } catch (RuntimeException e) {
      // the next run tries again; the store may be down for a while
      LOG.log(Level.WARNING, "RETENTION failed: " + e.getMessage());
    }
  }
}
