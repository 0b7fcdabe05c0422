package io.keywatch.bench.writes;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.keywatch.bench.lab.BenchDatabase;
import io.keywatch.bench.lab.BenchSettings;
import io.keywatch.bench.lab.KeywatchServers;
import io.keywatch.bench.lab.PgActivity;
import io.keywatch.bench.lab.Postgres;
import io.keywatch.bench.report.Row;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Benchmark 3: puts per second from 1, 8 and 32 concurrent writers while 1 or 100 watchers follow
 * every change. Each Keywatch run starts on a fresh database, so afterwards the store's revision
 * must equal the number of acknowledged puts (gap-free), and every watcher must have received each
 * revision exactly once, in order. etcd's watchers are checked the same way. With more than one
 * watcher, Keywatch also runs the fan-out tier: that many followers of the admin server, each the
 * stream a gateway follows it with (the targeted lines at 100 watchers: N network watchers of one
 * node, as etcd's are; PostgreSQL sees only the admin's connections), and that many pull watches on
 * one feed in the bench's JVM (the same tier without HTTP).
 */
public final class WritesUnderWatch {

  private static final Duration CATCH_UP = Duration.ofSeconds(60);
  private static final int POOL_SIZE = 16;

  private final BenchSettings settings;
  private final Postgres postgres;
  private final KeywatchServers servers;

  public WritesUnderWatch(BenchSettings settings, Postgres postgres, KeywatchServers servers) {
    this.settings = settings;
    this.postgres = postgres;
    this.servers = servers;
  }

  public List<Row> run() throws Exception {
    List<Row> rows = new ArrayList<>();
    for (int watchers : settings.watcherCounts()) {
      for (int writers : settings.writerCounts()) {
        double etcd = etcd(writers, watchers);
        double feeds = keywatch(writers, watchers, "feeds", n -> db -> new FeedWatchers(db, n));
        rows.add(
            row(
                String.format("writes %2dw/%3d watchers (LISTEN each)", writers, watchers),
                feeds,
                etcd,
                writers == 32 && watchers == 1));
        if (watchers > 1) {
          double followed = followers(writers, watchers);
          rows.add(
              row(
                  String.format("writes %2dw/%3d followers, 1 admin", writers, watchers),
                  followed,
                  etcd,
                  (writers == 8 || writers == 32) && watchers == 100));
          double pull = keywatch(writers, watchers, "pull", n -> db -> new PullWatchers(db, n));
          rows.add(
              row(
                  String.format("writes %2dw/%3d pull watches, 1 feed", writers, watchers),
                  pull,
                  etcd,
                  false));
        }
      }
    }
    return rows;
  }

  private static Row row(String name, double keywatch, double etcd, boolean targeted) {
    return targeted
        ? Row.ratio(name, keywatch, etcd, "puts/s", ">= 2x etcd", true, 2.0)
        : Row.context(name, keywatch, etcd, "puts/s");
  }

  @FunctionalInterface
  private interface WatcherFactory {
    WatcherGroup start(BenchDatabase db) throws Exception;
  }

  private double keywatch(
      int writers, int watchers, String kind, IntFunction<WatcherFactory> factory)
      throws Exception {
    try (BenchDatabase db = postgres.freshDatabase("bench_writes", POOL_SIZE);
        WatcherGroup group = factory.apply(watchers).start(db)) {
      Checked c = writeAndCheck(db, "bench_writes", group, writers);
      String extra =
          String.format(
                  ", %.1f puts/transaction", c.result().total() / (double) db.writeTransactions())
              + (group instanceof PullWatchers p ? ", victims " + p.victims() : "");
      System.out.printf(
          "  keywatch %-5s %2d writers %3d watchers: %8.0f puts/s, %d puts, revision %d, all watchers complete%s%n    %s%n",
          kind,
          writers,
          watchers,
          c.result().putsPerSecond(),
          c.result().total(),
          c.revision(),
          extra,
          c.activity());
      return c.result().putsPerSecond();
    }
  }

  /**
   * The writers put into the servers' database (through the same store as the other variants, in
   * this JVM); the watchers follow the admin server as gateways do. Its database is not fresh, so
   * the gap-free check counts the revisions the run moved; nothing else writes to it meanwhile, so
   * each follower, which sees every change of the store, has exactly the writers' events.
   */
  private double followers(int writers, int watchers) throws Exception {
    try (BenchDatabase db = postgres.existing("postgres", POOL_SIZE);
        Followers group =
            new Followers(
                servers.admin(), servers.feedKey(), watchers, db.store().revisions().current())) {
      Checked c = writeAndCheck(db, "postgres", group, writers);
      System.out.printf(
          "  keywatch follow %2d writers %3d followers: %8.0f puts/s, %d puts, all streams complete%n    %s%n    %s%n",
          writers,
          watchers,
          c.result().putsPerSecond(),
          c.result().total(),
          c.activity(),
          c.connections());
      return c.result().putsPerSecond();
    }
  }

  /**
   * A write run that passed its checks, the store's revision after it, what PostgreSQL was busy
   * with and who was connected to it.
   */
  private record Checked(
      WriteLoad.Result result, long revision, String activity, String connections) {}

  /**
   * Runs the writers while the group watches, then checks that the store's revision moved by
   * exactly the acknowledged puts (gap-free) and waits until every watcher has received each of
   * them.
   */
  private Checked writeAndCheck(BenchDatabase db, String dbName, WatcherGroup group, int writers)
      throws Exception {
    long before = db.store().revisions().current();
    WriteLoad.Result r;
    String activity;
    String connections;
    try (PgActivity pg = postgres.activity(dbName)) {
      r = WriteLoad.run(writers, settings.writesWarmup(), settings.writesRun(), db.store()::put);
      activity = "active backends: " + pg.topWaits(4);
      connections = "connections by application (most at once): " + pg.connections();
    }
    long current = db.store().revisions().current();
    if (current - before != r.total()) {
      throw new IllegalStateException(
          "revisions are not gap-free: the store moved "
              + (current - before)
              + " for "
              + r.total()
              + " puts");
    }
    group.awaitAll(r.total(), CATCH_UP);
    return new Checked(r, current, activity, connections);
  }

  private double etcd(int writers, int watchers) throws Exception {
    try (Client client = Client.builder().endpoints(settings.etcdEndpoint()).build()) {
      ByteSequence probe = ByteSequence.from("/probe", StandardCharsets.UTF_8);
      long before = client.getKVClient().get(probe).get().getHeader().getRevision();
      WriteLoad.Result r;
      try (EtcdWatchers group = new EtcdWatchers(settings.etcdEndpoint(), watchers, before + 1)) {
        r =
            WriteLoad.run(
                writers,
                settings.writesWarmup(),
                settings.writesRun(),
                (key, value) ->
                    client
                        .getKVClient()
                        .put(
                            ByteSequence.from(key, StandardCharsets.UTF_8),
                            ByteSequence.from(value))
                        .get());
        long after = client.getKVClient().get(probe).get().getHeader().getRevision();
        if (after - before != r.total()) {
          throw new IllegalStateException(
              "etcd moved " + (after - before) + " revisions for " + r.total() + " puts");
        }
        group.awaitAll(r.total(), CATCH_UP);
      }
      System.out.printf(
          "  etcd            %2d writers %3d watchers: %8.0f puts/s, %d puts, all watchers complete%n",
          writers, watchers, r.putsPerSecond(), r.total());
      return r.putsPerSecond();
    }
  }
}
