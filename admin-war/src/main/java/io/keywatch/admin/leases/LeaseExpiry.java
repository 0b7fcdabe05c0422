package io.keywatch.admin.leases;

import io.keywatch.admin.config.AdminSettings;
import io.keywatch.kv.LeaseStore;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Revokes the leases past their expiry, every {@code keywatch.lease.check-interval}. Every admin
 * server runs one; the store lets one of them at a time do the work (an advisory lock in {@code
 * kv_lease_expire}), and the expiry times are the database's, so a restart loses none and a lease
 * expires on time whichever servers are up.
 */
@Singleton
@Startup
public class LeaseExpiry {

  private static final Logger LOG = Logger.getLogger(LeaseExpiry.class.getName());

  @Inject AdminSettings settings;
  @Inject LeaseStore leases;
  @Resource ManagedScheduledExecutorService scheduler;

  private ScheduledFuture<?> checks;

  /** Only the checking thread touches it: a failing store is logged once, not every interval. */
  private boolean failing;

  @PostConstruct
  void start() {
    long every = settings.leaseCheckInterval().toMillis();
    checks = scheduler.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
    LOG.info(() -> "EXPIRE looks for expired leases every " + settings.leaseCheckInterval());
  }

  @PreDestroy
  void stop() {
    checks.cancel(false);
  }

  private void check() {
    try {
      List<Long> expired;
      do {
        expired = leases.expire(settings.leaseExpiryBatch());
        if (!expired.isEmpty()) {
          List<Long> ids = expired;
          LOG.info(() -> "EXPIRE revoked " + ids.size() + " leases: " + ids);
        }
      } while (expired.size() == settings.leaseExpiryBatch());
      if (failing) {
        LOG.info("EXPIRE reaches the store again");
        failing = false;
      }
    } catch (RuntimeException e) {
      // the next check tries again; the store may be down for a while
      if (!failing) {
        LOG.warning(
            "EXPIRE failed, retrying every "
                + settings.leaseCheckInterval()
                + ": "
                + e.getMessage());
        failing = true;
      }
    }
  }
}
