package io.keywatch.bench;

import io.keywatch.bench.compaction.CompactionUnderWrites;
import io.keywatch.bench.etcdapi.EtcdApiLoad;
import io.keywatch.bench.lab.BenchDatabase;
import io.keywatch.bench.lab.BenchSettings;
import io.keywatch.bench.lab.Footprint;
import io.keywatch.bench.lab.KeywatchServers;
import io.keywatch.bench.lab.Postgres;
import io.keywatch.bench.proxy.ProxyThroughput;
import io.keywatch.bench.report.Table;
import io.keywatch.bench.routes.RoutePropagation;
import io.keywatch.bench.watch.SseWatchLatency;
import io.keywatch.bench.watch.WatchLatency;
import io.keywatch.bench.writes.WritesUnderWatch;
import java.time.LocalDateTime;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Runs the benchmarks named on the command line (watch, propagation, writes, proxy, etcd,
 * compaction; none: all) against etcd and nginx, which bench/run has started, and prints the table.
 * It starts PostgreSQL itself and, for the benchmarks that need them, the Keywatch servers through
 * the launcher.
 */
public final class Main {

  private static final List<String> ALL =
      List.of("watch", "propagation", "writes", "proxy", "etcd", "compaction");

  public static void main(String[] args) throws Exception {
    Set<String> chosen = new LinkedHashSet<>(args.length == 0 ? ALL : List.of(args));
    for (String name : chosen) {
      if (!ALL.contains(name)) {
        System.err.println("unknown benchmark '" + name + "'; choose from " + ALL);
        System.exit(2);
      }
    }
    BenchSettings settings = BenchSettings.fromSystemProperties();
    Table table = new Table();
    Footprint footprint = new Footprint();
    String durability;
    try (Postgres postgres =
        Postgres.start(
            settings.work().resolve("postgres"),
            settings.postgresPort(),
            settings.durablePostgres())) {
      durability = postgres.durability();
      System.out.println("PostgreSQL for Keywatch: " + durability);
      Optional<KeywatchServers> servers = Optional.empty();
      try {
        boolean needServers =
            chosen.contains("propagation")
                || chosen.contains("proxy")
                || chosen.contains("writes")
                || chosen.contains("etcd")
                || (chosen.contains("watch") && settings.watchSse());
        if (needServers) {
          System.out.println("starting the Keywatch servers (launcher) ...");
          servers = Optional.of(KeywatchServers.start(settings, postgres));
        }
        try (BenchDatabase serverDb = postgres.existing("postgres", 8)) {
          for (String name : chosen) {
            System.out.println("== " + name + " (load " + Load.now() + ")");
            Optional<KeywatchServers> s = servers;
            switch (name) {
              case "watch" ->
                  table.addAll(
                      new WatchLatency(
                              settings,
                              postgres,
                              s.map(k -> new SseWatchLatency(k.admin(), k.apiKey(), serverDb)))
                          .run());
              case "propagation" ->
                  table.addAll(new RoutePropagation(settings, s.orElseThrow()).run());
              case "writes" ->
                  table.addAll(new WritesUnderWatch(settings, postgres, s.orElseThrow()).run());
              case "compaction" ->
                  table.addAll(new CompactionUnderWrites(settings, postgres).run());
              case "proxy" ->
                  table.addAll(new ProxyThroughput(settings, s.orElseThrow(), serverDb).run());
              case "etcd" -> table.addAll(new EtcdApiLoad(settings, s.orElseThrow()).run());
              default -> throw new IllegalStateException(name);
            }
            s.ifPresent(k -> footprint.sample(name, k));
          }
        }
        table.addAll(footprint.rows());
      } finally {
        servers.ifPresent(KeywatchServers::close);
      }
    }
    table.print(
        System.out,
        "\nKeywatch vs etcd/nginx, "
            + LocalDateTime.now().withNano(0)
            + ", "
            + Runtime.getRuntime().availableProcessors()
            + " cores, load "
            + Load.now()
            + ", PostgreSQL "
            + durability);
    System.exit(0);
  }
}
