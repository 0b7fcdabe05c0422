package io.keywatch.bench;

import io.keywatch.bench.lab.BenchSettings;
import io.keywatch.bench.lab.Postgres;
import io.keywatch.bench.report.Table;
import io.keywatch.bench.watch.WatchLatency;
import io.keywatch.bench.writes.WritesUnderWatch;
import java.time.LocalDateTime;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Runs the benchmarks named on the command line (watch, propagation, writes, proxy; none: all)
 * against etcd and nginx, which bench/run has started, and prints the table.
 */
public final class Main {

  private static final List<String> ALL = List.of("watch", "propagation", "writes", "proxy");

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
    try (Postgres postgres = Postgres.start(settings.work().resolve("postgres"), settings.postgresPort(), settings.durablePostgres())) {
      String durability = postgres.durability();
      System.out.println("PostgreSQL for Keywatch: " + durability);
      for (String name : chosen) {
        System.out.println("== " + name + " (load " + Load.now() + ")");
        switch (name) {
          case "watch" -> table.addAll(new WatchLatency(settings, postgres, Optional.empty()).run());
          case "writes" -> table.addAll(new WritesUnderWatch(settings, postgres).run());
          default -> System.out.println("  (not available yet)");
        }
      }
      table.print(System.out, "\nKeywatch vs etcd/nginx, " + LocalDateTime.now().withNano(0) + ", " + Runtime.getRuntime().availableProcessors()
          + " cores, load " + Load.now() + ", PostgreSQL " + durability);
    }
    System.exit(0);
  }
}
