package io.keywatch.bench.lab;

import com.zaxxer.hikari.HikariDataSource;
import io.keywatch.kv.KvStore;
import io.keywatch.kv.postgres.PgChangeLog;
import io.keywatch.kv.postgres.PgKvStore;
import io.keywatch.watch.ChangeFeed;
import io.keywatch.watch.EventBatch;
import io.keywatch.watch.FeedListener;
import io.keywatch.watch.StoreReset;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * One database of the benchmark's PostgreSQL, used with shared-ejb's own classes as the servers
 * wire them ({@code Database} and {@code WatchHub}): a pooled {@link PgKvStore} with group commit,
 * and {@link ChangeFeed}s each on a dedicated LISTEN connection.
 */
public final class BenchDatabase implements AutoCloseable {

  /** The servers' defaults (shared-ejb microprofile-config.properties). */
  private static final long VALUE_LIMIT = 1 << 20;

  private static final int GROUP_COMMIT_LIMIT = 256;
  private static final int TXN_MAX_OPS = 128;
  private static final long COMPACTION_STEP = 10_000;
  private static final ChangeFeed.Settings FEED =
      new ChangeFeed.Settings(
          Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofSeconds(5), 1000);

  private static final Duration FEED_START = Duration.ofSeconds(60);

  private final Postgres postgres;
  private final String name;
  private final HikariDataSource pool;
  private final KvStore store;

  BenchDatabase(Postgres postgres, String name, int poolSize) {
    this.postgres = postgres;
    this.name = name;
    this.pool = postgres.pool(name, poolSize);
    this.store = new PgKvStore(pool, VALUE_LIMIT, GROUP_COMMIT_LIMIT, TXN_MAX_OPS, COMPACTION_STEP);
  }

  public KvStore store() {
    return store;
  }

  /** A started feed on its own connection, delivering to {@code listener} on its own thread. */
  public ChangeFeed startFeed(String applicationName, FeedListener listener)
      throws InterruptedException {
    return startFeed(applicationName, listener, feed -> {});
  }

  /**
   * A feed on its own connection, started once {@code beforeStart} has seen it (a {@code Watchers}
   * attaches there), and returned once it has delivered its first batch: it knows the store's
   * revision then. (The first batch is awaited through the listener rather than {@code
   * ChangeFeed.awaitRevision}, whose waiters the first positioning does not wake.)
   */
  public ChangeFeed startFeed(
      String applicationName, FeedListener listener, Consumer<ChangeFeed> beforeStart)
      throws InterruptedException {
    CountDownLatch positioned = new CountDownLatch(1);
    ChangeFeed feed =
        new ChangeFeed(
            new PgChangeLog(postgres.dataSource(name, applicationName)),
            FEED,
            new FeedListener() {
              @Override
              public void onBatch(EventBatch batch) {
                listener.onBatch(batch);
                positioned.countDown();
              }

              @Override
              public void onReset(StoreReset reset) {
                listener.onReset(reset);
              }
            });
    beforeStart.accept(feed);
    feed.start(Executors.defaultThreadFactory());
    if (!positioned.await(FEED_START.toSeconds(), TimeUnit.SECONDS)) {
      feed.close();
      throw new IllegalStateException(
          "feed " + applicationName + " not positioned within " + FEED_START + ": " + feed.state());
    }
    return feed;
  }

  /** Runs SQL on a pooled connection, e.g. to write a large history with the store's functions. */
  public void execute(String sql) {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** How many transactions wrote the store's rows: one per group commit batch. */
  public long writeTransactions() {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(DISTINCT xmin::text) FROM kv")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  DataSource unpooled(String applicationName) {
    return postgres.dataSource(name, applicationName);
  }

  @Override
  public void close() {
    pool.close();
  }
}
