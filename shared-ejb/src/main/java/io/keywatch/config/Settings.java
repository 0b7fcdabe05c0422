package io.keywatch.config;

import io.keywatch.settings.StoreSetting;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The settings of the store and the watch, injected. Each is declared, with its default and what it
 * is for, in {@link StoreSetting}; {@link StoreDefaults} serves the defaults.
 */
@ApplicationScoped
public class Settings {

  @Inject
  @ConfigProperty(name = StoreSetting.JDBC_URL)
  String jdbcUrl;

  @Inject
  @ConfigProperty(name = StoreSetting.JDBC_USER)
  String jdbcUser;

  @Inject
  @ConfigProperty(name = StoreSetting.JDBC_PASSWORD)
  Optional<String> jdbcPassword;

  @Inject
  @ConfigProperty(name = StoreSetting.JDBC_POOL_SIZE)
  int poolSize;

  @Inject
  @ConfigProperty(name = StoreSetting.JDBC_POOL_MIN_IDLE)
  int poolMinIdle;

  @Inject
  @ConfigProperty(name = StoreSetting.JDBC_WAIT)
  Duration poolWait;

  @Inject
  @ConfigProperty(name = StoreSetting.VALUE_LIMIT)
  long valueLimit;

  @Inject
  @ConfigProperty(name = StoreSetting.GROUP_COMMIT_LIMIT)
  int groupCommitLimit;

  @Inject
  @ConfigProperty(name = StoreSetting.TXN_MAX_OPS)
  int txnMaxOps;

  @Inject
  @ConfigProperty(name = StoreSetting.COMPACTION_STEP)
  long compactionStep;

  @Inject
  @ConfigProperty(name = StoreSetting.WATCH_HEARTBEAT)
  Duration heartbeat;

  @Inject
  @ConfigProperty(name = StoreSetting.WATCH_TIMEOUT)
  Duration watchTimeout;

  @Inject
  @ConfigProperty(name = StoreSetting.WATCH_BACKOFF_MIN)
  Duration backoffMin;

  @Inject
  @ConfigProperty(name = StoreSetting.WATCH_BACKOFF_MAX)
  Duration backoffMax;

  @Inject
  @ConfigProperty(name = StoreSetting.WATCH_BATCH_SIZE)
  int batchSize;

  @Inject
  @ConfigProperty(name = StoreSetting.WATCH_QUEUE)
  int watchQueue;

  @Inject
  @ConfigProperty(name = StoreSetting.WATCH_READINESS)
  boolean watchReadiness;

  @Inject
  @ConfigProperty(name = StoreSetting.LEASE_MIN_TTL)
  long leaseMinTtl;

  public boolean watchReadiness() {
    return watchReadiness;
  }

  public String jdbcUrl() {
    return jdbcUrl;
  }

  public String jdbcUser() {
    return jdbcUser;
  }

  public String jdbcPassword() {
    return jdbcPassword.orElse("");
  }

  public int poolSize() {
    return poolSize;
  }

  public int poolMinIdle() {
    return Math.min(poolMinIdle, poolSize);
  }

  public Duration poolWait() {
    return poolWait;
  }

  public long valueLimit() {
    return valueLimit;
  }

  public int groupCommitLimit() {
    return groupCommitLimit;
  }

  public int txnMaxOps() {
    return txnMaxOps;
  }

  public long compactionStep() {
    return compactionStep;
  }

  public Duration heartbeat() {
    return heartbeat;
  }

  public Duration watchTimeout() {
    return watchTimeout;
  }

  public Duration backoffMin() {
    return backoffMin;
  }

  public Duration backoffMax() {
    return backoffMax;
  }

  public int batchSize() {
    return batchSize;
  }

  public int watchQueue() {
    return watchQueue;
  }

  public long leaseMinTtl() {
    return leaseMinTtl;
  }
}
