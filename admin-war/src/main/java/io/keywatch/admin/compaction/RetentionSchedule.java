package io.keywatch.admin.compaction;

import io.keywatch.admin.config.AdminSettings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Compacts by age on a schedule when {@code keywatch.retention} is set: every {@code
 * keywatch.retention.interval}, what was superseded longer ago than the retention goes. The timer
 * is not persistent: each admin server runs its own, and compacting twice to the same place is
 * harmless.
 */
@Singleton
@Startup
public class RetentionSchedule {

  private static final Logger LOG = Logger.getLogger(RetentionSchedule.class.getName());

  @Inject AdminSettings settings;
  @Inject Compactions compactions;
  @Resource TimerService timers;

  @PostConstruct
  void start() {
    settings
        .retention()
        .ifPresentOrElse(
            retention -> {
              long every = settings.retentionInterval().toMillis();
              timers.createIntervalTimer(
                  every, every, new TimerConfig("keywatch-retention", false));
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

  @Timeout
  void run() {
    Duration retention = settings.retention().orElseThrow();
    try {
      compactions.olderThan(retention);
    } catch (RuntimeException e) {
      // the next run tries again; the store may be down for a while
      LOG.log(Level.WARNING, "RETENTION failed: " + e.getMessage());
    }
  }
}
