package io.keywatch.bench.etcdapi;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.keywatch.bench.lab.BenchSettings;
import io.keywatch.bench.lab.KeywatchServers;
import io.keywatch.bench.lab.WarmUp;
import io.keywatch.bench.report.Latencies;
import io.keywatch.bench.report.Row;
import io.keywatch.bench.watch.EtcdWatchLatency;
import io.keywatch.bench.watch.SequentialPuts;
import io.keywatch.bench.writes.EtcdWatchers;
import io.keywatch.bench.writes.WriteLoad;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Benchmark 5: the same jetcd load against etcd and against Keywatch's etcd port (gRPC, as root
 * with the API key): puts per second from 1, 8 and 32 clients (a connection each), put-to-event
 * latency of one watcher, and puts per second while 100 watchers (a connection each) follow every
 * change, and the latency of a lone client's reads of one key. Each Keywatch figure is taken right
 * after etcd's, so both see the same machine. Every run checks that the store moved one revision
 * per acknowledged put and that every watcher received each of them once, in order.
 */
public final class EtcdApiLoad {

  private static final Duration CATCH_UP = Duration.ofSeconds(60);
  private static final ByteSequence PROBE = ByteSequence.from("/probe", StandardCharsets.UTF_8);

  /** One store behind etcd's API, as jetcd reaches it. */
  private record Target(String name, Supplier<Client> clients) {}

  private final BenchSettings settings;
  private final Target etcd;
  private final Target keywatch;
  private final long adminPid;

  public EtcdApiLoad(BenchSettings settings, KeywatchServers servers) {
    this.settings = settings;
    this.adminPid = servers.adminPid();
    this.etcd =
        new Target("etcd", () -> Client.builder().endpoints(settings.etcdEndpoint()).build());
    this.keywatch =
        new Target(
            "keywatch",
            () ->
                Client.builder()
                    .endpoints(servers.etcdEndpoint())
                    .user(ByteSequence.from("root", StandardCharsets.UTF_8))
                    .password(ByteSequence.from(servers.apiKey(), StandardCharsets.UTF_8))
                    .build());
  }

  public List<Row> run() throws Exception {
    List<Row> rows = new ArrayList<>();
    // unmeasured rounds first: the servers' gRPC path is not compiled yet on a fresh start, and
    // the first line measured would pay for it (12 ms per put at 1 client against 0.7 ms later)
    System.out.printf("  warm-up, etcd: %.0f puts/s (not in the table)%n", puts(etcd, 32, 0));
    WarmUp.untilSettled("keywatch, 32 clients", "puts/s", adminPid, () -> puts(keywatch, 32, 0));
    for (int clients : settings.writerCounts()) {
      double e = puts(etcd, clients, 0);
      double k = puts(keywatch, clients, 0);
      String name = String.format("etcd API puts, %2d clients", clients);
      rows.add(
          clients == 32
              ? Row.ratio(name, k, e, "puts/s", ">= 1.5x etcd", true, 1.5)
              : Row.context(name, k, e, "puts/s"));
    }
    SequentialPuts.Timings e = latency(etcd);
    SequentialPuts.Timings k = latency(keywatch);
    rows.add(Row.context("etcd API watch p50", k.event().p50Millis(), e.event().p50Millis(), "ms"));
    rows.add(
        Row.ratio(
            "etcd API watch p99",
            k.event().p99Millis(),
            e.event().p99Millis(),
            "ms",
            "<= etcd",
            false,
            1.0));
    Latencies er = reads(etcd);
    Latencies kr = reads(keywatch);
    rows.add(Row.context("etcd API range p50 (1 key)", kr.p50Millis(), er.p50Millis(), "ms"));
    rows.add(Row.context("etcd API range p99 (1 key)", kr.p99Millis(), er.p99Millis(), "ms"));
    int writers = settings.etcdApiWatchWriters();
    int watchers = settings.etcdApiWatchers();
    double ew = puts(etcd, writers, watchers);
    double kw = puts(keywatch, writers, watchers);
    rows.add(
        Row.context(
            String.format("etcd API puts, %2d clients/%3d watchers", writers, watchers),
            kw,
            ew,
            "puts/s"));
    return rows;
  }

  /** Puts per second from {@code clients} jetcd clients while {@code watchers} follow them. */
  private double puts(Target target, int clients, int watchers) throws Exception {
    List<Client> writers = new ArrayList<>();
    try (Client probe = target.clients().get()) {
      for (int i = 0; i < clients; i++) {
        writers.add(target.clients().get());
      }
      long before = probe.getKVClient().get(PROBE).get().getHeader().getRevision();
      WriteLoad.Result r;
      try (EtcdWatchers group = new EtcdWatchers(target.clients(), watchers, before + 1)) {
        r =
            WriteLoad.run(
                clients,
                settings.writesWarmup(),
                settings.writesRun(),
                w ->
                    (key, value) ->
                        writers
                            .get(w)
                            .getKVClient()
                            .put(
                                ByteSequence.from(key, StandardCharsets.UTF_8),
                                ByteSequence.from(value))
                            .get());
        long after = probe.getKVClient().get(PROBE).get().getHeader().getRevision();
        if (after - before != r.total()) {
          throw new IllegalStateException(
              target.name()
                  + " moved "
                  + (after - before)
                  + " revisions for "
                  + r.total()
                  + " puts");
        }
        group.awaitAll(r.total(), CATCH_UP);
      }
      System.out.printf(
          "  %-8s %2d clients %3d watchers: %8.0f puts/s, %d puts%s%n",
          target.name(),
          clients,
          watchers,
          r.putsPerSecond(),
          r.total(),
          watchers == 0 ? "" : ", all watchers complete");
      return r.putsPerSecond();
    } finally {
      writers.forEach(Client::close);
    }
  }

  /** One client reading one key, one read at a time, as often as the watch test puts. */
  private Latencies reads(Target target) throws Exception {
    Latencies reads = new Latencies();
    try (Client client = target.clients().get()) {
      client.getKVClient().put(PROBE, ByteSequence.from("1", StandardCharsets.UTF_8)).get();
      for (int i = 0; i < settings.watchWarmup() + settings.watchPuts(); i++) {
        long start = System.nanoTime();
        client.getKVClient().get(PROBE).get();
        if (i >= settings.watchWarmup()) {
          reads.record(System.nanoTime() - start);
        }
      }
    }
    System.out.printf("  %-8s range: %s%n", target.name(), reads);
    return reads;
  }

  private SequentialPuts.Timings latency(Target target) throws Exception {
    SequentialPuts.Timings t =
        EtcdWatchLatency.run(target.clients(), settings.watchWarmup(), settings.watchPuts());
    System.out.printf("  %-8s watch: %s%n", target.name(), t);
    return t;
  }
}
