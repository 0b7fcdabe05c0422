package io.keywatch.bench.watch;

import io.keywatch.bench.lab.BenchDatabase;
import io.keywatch.bench.lab.BenchSettings;
import io.keywatch.bench.lab.Postgres;
import io.keywatch.bench.report.Latencies;
import io.keywatch.bench.report.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Benchmark 1: one writer, one watcher on a prefix, sequential puts; p50 and p99 from the start of
 * the put to the event in the watcher. Keywatch through its Java API and, when the admin server
 * runs, through SSE; etcd through jetcd. Each Keywatch variant runs right after etcd's, so both see
 * the same machine.
 */
public final class WatchLatency {

  private final BenchSettings settings;
  private final Postgres postgres;
  private final Optional<SseWatchLatency> sse;

  public WatchLatency(BenchSettings settings, Postgres postgres, Optional<SseWatchLatency> sse) {
    this.settings = settings;
    this.postgres = postgres;
    this.sse = sse;
  }

  public List<Row> run() throws Exception {
    List<Row> rows = new ArrayList<>();
    int warmup = settings.watchWarmup();
    int puts = settings.watchPuts();
    SequentialPuts.Timings etcd = EtcdWatchLatency.run(settings.etcdEndpoint(), warmup, puts);
    System.out.println("  etcd watch:               " + etcd);
    SequentialPuts.Timings java;
    try (BenchDatabase db = postgres.freshDatabase("bench_watch", 4)) {
      java = JavaWatchLatency.run(db, warmup, puts);
    }
    System.out.println("  keywatch watch (Java API): " + java);
    rows.addAll(rows("Java API", java.event(), etcd.event()));
    if (sse.isPresent()) {
      SequentialPuts.Timings etcdAgain =
          EtcdWatchLatency.run(settings.etcdEndpoint(), warmup, puts);
      System.out.println("  etcd watch:               " + etcdAgain);
      SequentialPuts.Timings overSse = sse.get().run(warmup, puts);
      System.out.println("  keywatch watch (SSE):      " + overSse);
      rows.addAll(rows("SSE", overSse.event(), etcdAgain.event()));
    }
    return rows;
  }

  private static List<Row> rows(String variant, Latencies keywatch, Latencies etcd) {
    return List.of(
        Row.ratio(
            "watch p50 (" + variant + ")",
            keywatch.p50Millis(),
            etcd.p50Millis(),
            "ms",
            "<= 1.2x etcd",
            false,
            1.2),
        Row.ratio(
            "watch p99 (" + variant + ")",
            keywatch.p99Millis(),
            etcd.p99Millis(),
            "ms",
            "<= 0.5x etcd",
            false,
            0.5));
  }
}
