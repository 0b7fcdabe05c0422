package io.keywatch.bench.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Every knob of the benchmarks in one place. Each is a system property {@code bench.*} (bench/run
 * sets the ports it started things on); the defaults are the sizes the report was made with.
 */
public record BenchSettings(
    Path work,
    String etcdEndpoint,
    int postgresPort,
    boolean durablePostgres,
    int adminPort,
    int proxyPort,
    int upstreamPort,
    List<Integer> upstreamMorePorts,
    int nginxPort,
    int nginxManyRoutesPort,
    int manyRoutes,
    int watchWarmup,
    int watchPuts,
    boolean watchSse,
    int propagationWarmup,
    int propagationCount,
    Duration writesWarmup,
    Duration writesRun,
    List<Integer> writerCounts,
    List<Integer> watcherCounts,
    int etcdApiWatchers,
    int etcdApiWatchWriters,
    Duration wrkWarmup,
    Duration wrkRun,
    int wrkThreads,
    int wrkConnections,
    long compactionRows,
    int compactionWriters,
    String serverJavaOptions,
    boolean proxyAccessLog,
    Duration serverStartTimeout,
    Path keywatchHome) {

  public static BenchSettings fromSystemProperties() {
    return new BenchSettings(
        Path.of(string("bench.work", "target/bench")).toAbsolutePath(),
        string("bench.etcd.endpoint", "http://127.0.0.1:49379"),
        integer("bench.postgres.port", 49432),
        Boolean.parseBoolean(string("bench.postgres.durable", "true")),
        integer("bench.admin.port", 49180),
        integer("bench.proxy.port", 49090),
        integer("bench.upstream.port", 49081),
        integers("bench.upstream.more-ports", "49084,49085"),
        integer("bench.nginx.port", 49082),
        integer("bench.nginx.many-routes.port", 49083),
        integer("bench.routes.many", 10_000),
        integer("bench.watch.warmup", 5000),
        integer("bench.watch.puts", 2_000),
        Boolean.parseBoolean(string("bench.watch.sse", "true")),
        integer("bench.propagation.warmup", 20_000),
        integer("bench.propagation.count", 500),
        Duration.parse(string("bench.writes.warmup", "PT1S")),
        Duration.parse(string("bench.writes.run", "PT10S")),
        integers("bench.writes.writers", "1,8,32"),
        integers("bench.writes.watchers", "1,100"),
        integer("bench.etcd-api.watchers", 100),
        integer("bench.etcd-api.watch-writers", 8),
        Duration.parse(string("bench.wrk.warmup", "PT10S")),
        Duration.parse(string("bench.wrk.run", "PT10S")),
        integer("bench.wrk.threads", 2),
        integer("bench.wrk.connections", 64),
        Long.parseLong(string("bench.compaction.rows", "1000000")),
        integer("bench.compaction.writers", 32),
        string("bench.server.java-options", ""),
        // off, as nginx's line runs with access_log off: -Dbench.proxy.access-log=true prices it
        Boolean.parseBoolean(string("bench.proxy.access-log", "false")),
        Duration.parse(string("bench.server.start-timeout", "PT3M")),
        Path.of(string("bench.keywatch.home", "../server-config/target/keywatch"))
            .toAbsolutePath());
  }

  private static String string(String name, String fallback) {
    String v = System.getProperty(name);
    return v == null || v.isBlank() ? fallback : v.trim();
  }

  private static List<Integer> integers(String name, String fallback) {
    return Arrays.stream(string(name, fallback).split(","))
        .map(String::trim)
        .map(Integer::valueOf)
        .toList();
  }

  private static int integer(String name, int fallback) {
    return Integer.parseInt(string(name, String.valueOf(fallback)));
  }
}
