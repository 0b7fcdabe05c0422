package io.keywatch.bench.lab;

import com.zaxxer.hikari.HikariDataSource;
import io.keywatch.kv.KvStore;
import io.keywatch.kv.PgKvStore;
import io.keywatch.watch.ChangeFeed;
import io.keywatch.watch.FeedListener;
import java.time.Duration;
import java.util.concurrent.Executors;
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
  private static final ChangeFeed.Settings FEED =
      new ChangeFeed.Settings(Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofSeconds(5), 1000);

  private final Postgres postgres;
  private final String name;
  private final HikariDataSource pool;
  private final KvStore store;

  BenchDatabase(Postgres postgres, String name, int poolSize) {
    this.postgres = postgres;
    this.name = name;
    this.pool = postgres.pool(name, poolSize);
    this.store = new PgKvStore(pool, VALUE_LIMIT, GROUP_COMMIT_LIMIT);
  }

  public KvStore store() {
    return store;
  }

  /** A feed on its own connection, not started yet (a {@code Watchers} must attach first). */
  public ChangeFeed newFeed(String applicationName, FeedListener listener) {
    return new ChangeFeed(unpooled(applicationName), FEED, listener);
  }

  /** A started feed on its own connection, delivering to {@code listener} on its own thread. */
  public ChangeFeed startFeed(String applicationName, FeedListener listener) {
    ChangeFeed feed = newFeed(applicationName, listener);
    feed.start(Executors.defaultThreadFactory());
    return feed;
  }

  DataSource unpooled(String applicationName) {
    return postgres.dataSource(name, applicationName);
  }

  @Override
  public void close() {
    pool.close();
  }
}
