package io.keywatch.watch;

import io.keywatch.kv.KvStore;
import io.keywatch.kv.postgres.PgChangeLog;
import io.keywatch.kv.postgres.PgKvStore;
import io.keywatch.testdb.TestDatabase;
import java.time.Duration;
import java.util.concurrent.Executors;
import org.awaitility.Awaitility;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A store with a running feed and watchers, wired as {@link WatchHub} wires them in the server. The
 * feed's connection is named {@value #APP_NAME} so tests can find its backend.
 */
final class FeedFixture implements AutoCloseable {

  static final String APP_NAME = "keywatch-watch";

  static {
    Awaitility.setDefaultPollDelay(Duration.ZERO);
    Awaitility.setDefaultPollInterval(Duration.ofMillis(5));
  }

  final TestDatabase db;
  final KvStore store;
  final Recorder recorder = new Recorder();
  final Watchers watchers;
  final ChangeFeed feed;

  FeedFixture(
      TestDatabase db,
      String jdbcUrl,
      int watchQueue,
      Duration heartbeat,
      int socketTimeoutSeconds) {
    this.db = db;
    this.store = new PgKvStore(db.pool(), 1 << 20, 64, 128, 10_000);
    this.watchers = new Watchers(store, watchQueue, 100);
    PGSimpleDataSource listen = db.dataSource();
    listen.setUrl(jdbcUrl);
    listen.setApplicationName(APP_NAME);
    listen.setSocketTimeout(socketTimeoutSeconds);
    listen.setConnectTimeout(2);
    this.feed =
        new ChangeFeed(
            new PgChangeLog(listen),
            new ChangeFeed.Settings(heartbeat, Duration.ofMillis(20), Duration.ofMillis(500), 100),
            watchers.andThen(recorder));
    watchers.attach(feed);
    feed.start(Executors.defaultThreadFactory());
    // the feed starts from the store's revision at its first poll: write only after that
    Awaitility.await().until(() -> feed.revision() >= 0);
  }

  static FeedFixture start() {
    TestDatabase db = TestDatabase.create();
    return new FeedFixture(db, db.jdbcUrl(), 64, Duration.ofSeconds(1), 5);
  }

  void terminateFeedBackend() {
    db.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '"
            + APP_NAME
            + "'");
  }

  @Override
  public void close() {
    feed.close();
  }
}
