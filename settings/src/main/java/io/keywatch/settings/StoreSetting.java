package io.keywatch.settings;

/**
 * The settings of the store and the watch (shared-ejb), read by both servers. Their defaults are
 * served by shared-ejb's {@code StoreDefaults}, at ordinal 100.
 */
public final class StoreSetting {

  @Setting(
      defaultValue = "jdbc:postgresql://localhost:5432/postgres",
      doc = "the PostgreSQL database that holds the store")
  public static final String JDBC_URL = "keywatch.jdbc.url";

  @Setting(defaultValue = "postgres", doc = "the database user")
  public static final String JDBC_USER = "keywatch.jdbc.user";

  @Setting(doc = "the database user's password")
  public static final String JDBC_PASSWORD = "keywatch.jdbc.password";

  @Setting(defaultValue = "16", doc = "connections for reads and writes (the watch has its own)")
  public static final String JDBC_POOL_SIZE = "keywatch.jdbc.pool-size";

  // each connection is a PostgreSQL process of its own (1.5 MB and more): an idle server keeps few
  @Setting(
      defaultValue = "2",
      doc = "connections kept open while idle; the pool grows to the pool size under load")
  public static final String JDBC_POOL_MIN_IDLE = "keywatch.jdbc.pool-min-idle";

  @Setting(
      defaultValue = "PT5S",
      doc = "how long a request waits for a pooled connection before it fails")
  public static final String JDBC_WAIT = "keywatch.jdbc.wait";

  @Setting(defaultValue = "1048576", doc = "the largest value in bytes (etcd allows 1.5 MiB)")
  public static final String VALUE_LIMIT = "keywatch.value-limit";

  @Setting(defaultValue = "256", doc = "the most concurrent puts committed in one transaction")
  public static final String GROUP_COMMIT_LIMIT = "keywatch.group-commit-limit";

  @Setting(
      defaultValue = "128",
      doc =
          "the most compares plus operations of a REST transaction, and the most compares, or"
              + " success or failure operations, of one level of an etcd transaction (etcd: 128)")
  public static final String TXN_MAX_OPS = "keywatch.txn.max-ops";

  // writers never wait for these transactions, only for the short one that raises the compacted
  // revision
  @Setting(
      defaultValue = "10000",
      doc = "the revisions one transaction of a compaction goes through")
  public static final String COMPACTION_STEP = "keywatch.compaction.step";

  @Setting(
      defaultValue = "PT5S",
      doc = "the longest the watch waits without checking its connection")
  public static final String WATCH_HEARTBEAT = "keywatch.watch.heartbeat";

  @Setting(
      defaultValue = "PT10S",
      doc = "how long a query on the watch connection may take before it is dropped")
  public static final String WATCH_TIMEOUT = "keywatch.watch.timeout";

  @Setting(defaultValue = "PT0.1S", doc = "the first reconnect delay of the watch (it doubles)")
  public static final String WATCH_BACKOFF_MIN = "keywatch.watch.backoff.min";

  @Setting(defaultValue = "PT5S", doc = "the longest reconnect delay of the watch")
  public static final String WATCH_BACKOFF_MAX = "keywatch.watch.backoff.max";

  @Setting(defaultValue = "1000", doc = "the most changes the watch reads at once")
  public static final String WATCH_BATCH_SIZE = "keywatch.watch.batch-size";

  @Setting(
      defaultValue = "1024",
      doc = "batches a watch may hold before it is a victim and reads history instead")
  public static final String WATCH_QUEUE = "keywatch.watch.queue";

  @Setting(
      defaultValue = "true",
      doc = "whether the server is ready only while its watch reaches the store")
  public static final String WATCH_READINESS = "keywatch.watch.readiness";

  @Setting(
      defaultValue = "2",
      doc = "the shortest lease TTL in seconds; shorter grants get it (etcd: 2 by default)")
  public static final String LEASE_MIN_TTL = "keywatch.lease.min-ttl";

  private StoreSetting() {}
}
