package io.keywatch.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every setting of the store and the watch, in one place. Each is a MicroProfile Config property
 * and so can be set by the environment variable named beside it; defaults live in this module's
 * {@code META-INF/microprofile-config.properties}.
 */
@ApplicationScoped
public class Settings {

  /** KEYWATCH_JDBC_URL: the PostgreSQL database that holds the store. */
  @Inject
  @ConfigProperty(name = "keywatch.jdbc.url")
  String jdbcUrl;

  /** KEYWATCH_JDBC_USER */
  @Inject
  @ConfigProperty(name = "keywatch.jdbc.user")
  String jdbcUser;

  /** KEYWATCH_JDBC_PASSWORD */
  @Inject
  @ConfigProperty(name = "keywatch.jdbc.password")
  Optional<String> jdbcPassword;

  /** KEYWATCH_JDBC_POOL_SIZE: connections for reads and writes (the watch has its own). */
  @Inject
  @ConfigProperty(name = "keywatch.jdbc.pool-size")
  int poolSize;

  /** KEYWATCH_JDBC_WAIT: how long a request waits for a pooled connection before it fails. */
  @Inject
  @ConfigProperty(name = "keywatch.jdbc.wait")
  Duration poolWait;

  /** KEYWATCH_VALUE_LIMIT: the largest value in bytes (etcd allows 1.5 MiB). */
  @Inject
  @ConfigProperty(name = "keywatch.value-limit")
  long valueLimit;

  /** KEYWATCH_GROUP_COMMIT_LIMIT: the most concurrent puts committed in one transaction. */
  @Inject
  @ConfigProperty(name = "keywatch.group-commit-limit")
  int groupCommitLimit;

  /**
   * KEYWATCH_TXN_MAX_OPS: the most compares plus operations of a REST transaction, and the most
   * compares, or success or failure operations, of one level of an etcd transaction (etcd: 128).
   */
  @Inject
  @ConfigProperty(name = "keywatch.txn.max-ops")
  int txnMaxOps;

  /**
   * KEYWATCH_COMPACTION_STEP: the revisions one transaction of a compaction goes through; writers
   * never wait for these transactions, only for the short one that raises the compacted revision.
   */
  @Inject
  @ConfigProperty(name = "keywatch.compaction.step")
  long compactionStep;

  /** KEYWATCH_WATCH_HEARTBEAT: the longest the watch waits without checking its connection. */
  @Inject
  @ConfigProperty(name = "keywatch.watch.heartbeat")
  Duration heartbeat;

  /**
   * KEYWATCH_WATCH_TIMEOUT: how long a query on the watch connection may take before it is dropped.
   */
  @Inject
  @ConfigProperty(name = "keywatch.watch.timeout")
  Duration watchTimeout;

  /** KEYWATCH_WATCH_BACKOFF_MIN and _MAX: the reconnect delay doubles from min to max. */
  @Inject
  @ConfigProperty(name = "keywatch.watch.backoff.min")
  Duration backoffMin;

  @Inject
  @ConfigProperty(name = "keywatch.watch.backoff.max")
  Duration backoffMax;

  /** KEYWATCH_WATCH_BATCH_SIZE: the most changes read at once. */
  @Inject
  @ConfigProperty(name = "keywatch.watch.batch-size")
  int batchSize;

  /**
   * KEYWATCH_WATCH_QUEUE: batches a watch may hold before it is a victim and reads history instead.
   */
  @Inject
  @ConfigProperty(name = "keywatch.watch.queue")
  int watchQueue;

  /**
   * KEYWATCH_WATCH_READINESS: whether the server is ready only while its watch reaches the store.
   */
  @Inject
  @ConfigProperty(name = "keywatch.watch.readiness")
  boolean watchReadiness;

  /**
   * KEYWATCH_LEASE_MIN_TTL: the shortest lease TTL in seconds; shorter grants get it (etcd: 2 by
   * default).
   */
  @Inject
  @ConfigProperty(name = "keywatch.lease.min-ttl")
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
