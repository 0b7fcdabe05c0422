package io.keywatch.kv.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.keywatch.config.Settings;
import io.keywatch.kv.ChangeLog;
import io.keywatch.kv.KvStore;
import io.keywatch.kv.LeaseStore;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The PostgreSQL behind the store: brings the schema up to date with Flyway, holds the connection
 * pool and produces the {@link KvStore}, the {@link LeaseStore} and the {@link ChangeLog} the watch
 * follows. Starting while the database is down is allowed (a proxy must keep serving): the pool
 * connects lazily and the migration is retried by {@link #store()}'s users through {@link
 * #ensureSchema()}. Created when first asked for one of them (the watch does at start-up), so a
 * gateway that follows an admin server's stream never opens a connection.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class Database {

  private static final Logger LOG = Logger.getLogger(Database.class.getName());

  /** One timer per statement name, told apart by the tag {@code statement}. */
  private static final Metadata STATEMENT_TIMER =
      Metadata.builder()
          .withName("keywatch_store_statement")
          .withDescription(
              "time of one run of the store's named SQL statement, from prepare to the last row read")
          .withUnit(MetricUnits.SECONDS)
          .build();

  @Inject Settings settings;
  @Inject MetricRegistry metrics;

  private final ConcurrentMap<String, Timer> statementTimers = new ConcurrentHashMap<>();
  private HikariDataSource pool;
  private KvStore store;
  private LeaseStore leases;
  private volatile boolean migrated;

  @PostConstruct
  void start() {
    HikariConfig config = new HikariConfig();
    config.setPoolName("keywatch");
    config.setDataSource(dataSource("keywatch", 0));
    config.setMaximumPoolSize(settings.poolSize());
    config.setMinimumIdle(settings.poolMinIdle());
    config.setInitializationFailTimeout(-1);
    config.setConnectionTimeout(settings.poolWait().toMillis());
    pool = new HikariDataSource(config);
    store =
        new PgKvStore(
            pool,
            settings.valueLimit(),
            settings.groupCommitLimit(),
            settings.txnMaxOps(),
            settings.compactionStep(),
            this::recordStatement);
    leases = new PgLeaseStore(pool, settings.leaseMinTtl(), this::recordStatement);
    try {
      ensureSchema();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "MIGRATE postponed, database unreachable: " + e.getMessage());
    }
  }

  /** Applies the Flyway migrations once per JVM; safe to call again and from several servers. */
  public synchronized void ensureSchema() {
    if (!migrated) {
      var result =
          Flyway.configure(Database.class.getClassLoader())
              .dataSource(pool)
              .locations("classpath:db/migration")
              .load()
              .migrate();
      LOG.info(() -> "MIGRATE schema at version " + result.targetSchemaVersion);
      migrated = true;
    }
  }

  @Produces
  public KvStore store() {
    return store;
  }

  @Produces
  public LeaseStore leases() {
    return leases;
  }

  /**
   * The log the watch follows, on connections named {@code keywatch-watch} in pg_stat_activity
   * whose reads fail after {@code keywatch.watch.timeout} of silence.
   */
  @Produces
  public ChangeLog changeLog() {
    int socketTimeout = (int) Math.max(1, settings.watchTimeout().toSeconds());
    return new PgChangeLog(dataSource("keywatch-watch", socketTimeout), this::recordStatement);
  }

  private void recordStatement(String statement, long nanos) {
    statementTimers
        .computeIfAbsent(
            statement, name -> metrics.timer(STATEMENT_TIMER, new Tag("statement", name)))
        .update(Duration.ofNanos(nanos));
  }

  /**
   * A data source of unpooled connections named {@code applicationName} in pg_stat_activity, whose
   * queries fail after {@code socketTimeoutSeconds} of silence (0: never).
   */
  private PGSimpleDataSource dataSource(String applicationName, int socketTimeoutSeconds) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(settings.jdbcUrl());
    ds.setUser(settings.jdbcUser());
    ds.setPassword(settings.jdbcPassword());
    ds.setTcpKeepAlive(true);
    ds.setConnectTimeout(10);
    ds.setSocketTimeout(socketTimeoutSeconds);
    ds.setApplicationName(applicationName);
    return ds;
  }

  @PreDestroy
  void stop() {
    pool.close();
  }
}
