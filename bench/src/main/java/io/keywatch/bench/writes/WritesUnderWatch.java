package io.keywatch.bench.writes;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.keywatch.bench.lab.BenchDatabase;
import io.keywatch.bench.lab.BenchSettings;
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
 * watcher, Keywatch also runs the fan-out variant: that many pull watches on one feed.
 */
public final class WritesUnderWatch {

  private static final Duration CATCH_UP = Duration.ofSeconds(60);
  private static final int POOL_SIZE = 16;

  private final BenchSettings settings;
  private final Postgres postgres;

  public WritesUnderWatch(BenchSettings settings, Postgres postgres) {
    this.settings = settings;
    this.postgres = postgres;
  }

  public List<Row> run() throws Exception {
    List<Row> rows = new ArrayList<>();
    for (int watchers : settings.watcherCounts()) {
      for (int writers : settings.writerCounts()) {
        double etcd = etcd(writers, watchers);
        double feeds = keywatch(writers, watchers, "feeds", n -> db -> new FeedWatchers(db, n));
        String name = String.format("writes %2dw/%3d watchers (LISTEN each)", writers, watchers);
        boolean targeted = (writers == 32 && watchers == 1) || (writers == 8 && watchers == 100);
        rows.add(targeted
            ? Row.ratio(name, feeds, etcd, "puts/s", ">= 2x etcd", true, 2.0)
            : Row.context(name, feeds, etcd, "puts/s"));
        if (watchers > 1) {
          double pull = keywatch(writers, watchers, "pull", n -> db -> new PullWatchers(db, n));
          rows.add(Row.context(String.format("writes %2dw/%3d pull watches, 1 feed", writers, watchers), pull, etcd, "puts/s"));
        }
      }
    }
    return rows;
  }

  @FunctionalInterface
  private interface WatcherFactory {
    WatcherGroup start(BenchDatabase db) throws Exception;
  }

  private double keywatch(int writers, int watchers, String kind, IntFunction<WatcherFactory> factory) throws Exception {
    try (BenchDatabase db = postgres.freshDatabase("bench_writes", POOL_SIZE);
        WatcherGroup group = factory.apply(watchers).start(db)) {
      WriteLoad.Result r;
      String activity;
      try (PgActivity pg = postgres.activity("bench_writes")) {
        WriteLoad.Put put = db.store()::put;
        r = WriteLoad.run(writers, settings.writesWarmup(), settings.writesRun(), put);
        activity = "active backends: " + pg.topWaits(4);
      }
      long current = db.store().revisions().current();
      if (current != r.total()) {
        throw new IllegalStateException("revisions are not gap-free: store at " + current + " after " + r.total() + " puts");
      }
      group.awaitAll(r.total(), CATCH_UP);
      String extra = String.format(", %.1f puts/transaction", r.total() / (double) db.writeTransactions())
          + (group instanceof PullWatchers p ? ", victims " + p.victims() : "");
      System.out.printf("  keywatch %-5s %2d writers %3d watchers: %8.0f puts/s, %d puts, revision %d, all watchers complete%s%n    %s%n",
          kind, writers, watchers, r.putsPerSecond(), r.total(), current, extra, activity);
      return r.putsPerSecond();
    }
  }

  private double etcd(int writers, int watchers) throws Exception {
    try (Client client = Client.builder().endpoints(settings.etcdEndpoint()).build()) {
      ByteSequence probe = ByteSequence.from("/probe", StandardCharsets.UTF_8);
      long before = client.getKVClient().get(probe).get().getHeader().getRevision();
      WriteLoad.Result r;
      try (EtcdWatchers group = new EtcdWatchers(settings.etcdEndpoint(), watchers, before + 1)) {
        r = WriteLoad.run(writers, settings.writesWarmup(), settings.writesRun(),
            (key, value) -> client.getKVClient()
                .put(ByteSequence.from(key, StandardCharsets.UTF_8), ByteSequence.from(value)).get());
        long after = client.getKVClient().get(probe).get().getHeader().getRevision();
        if (after - before != r.total()) {
          throw new IllegalStateException("etcd moved " + (after - before) + " revisions for " + r.total() + " puts");
        }
        group.awaitAll(r.total(), CATCH_UP);
      }
      System.out.printf("  etcd            %2d writers %3d watchers: %8.0f puts/s, %d puts, all watchers complete%n",
          writers, watchers, r.putsPerSecond(), r.total());
      return r.putsPerSecond();
    }
  }
}
