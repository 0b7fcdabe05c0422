package io.keywatch.bench.proxy;

import io.keywatch.bench.lab.BenchDatabase;
import io.keywatch.bench.lab.BenchSettings;
import io.keywatch.bench.lab.Http;
import io.keywatch.bench.lab.KeywatchServers;
import io.keywatch.bench.report.Row;
import io.keywatch.kv.KvStore;
import io.keywatch.routes.Route;
import io.keywatch.routes.RouteCodec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Benchmark 4: wrk through the Keywatch proxy and through nginx {@code proxy_pass} (keepalive
 * upstream block) to the same local upstream (nginx answering a small static body), with 1 route
 * and with 10,000 routes. Routes are prefix routes {@code /svcN/*}; the request goes to {@code
 * /svc0/hello} with one route and to the middle route's path with many. Each wrk run follows a
 * warm-up run on the same URL (the first, on a cold proxy, two more); Keywatch and nginx alternate.
 */
public final class ProxyThroughput {

  private final BenchSettings settings;
  private final KeywatchServers servers;
  private final BenchDatabase serverDb;
  private final Wrk wrk;

  public ProxyThroughput(BenchSettings settings, KeywatchServers servers, BenchDatabase serverDb) {
    this.settings = settings;
    this.servers = servers;
    this.serverDb = serverDb;
    this.wrk = new Wrk(settings.wrkThreads(), settings.wrkConnections());
  }

  public List<Row> run() throws Exception {
    List<Row> rows = new ArrayList<>();
    putRoutes(0, 1);
    String one = "/svc0/hello";
    awaitServed(one);
    // the proxy's JVM is cold here: on two cores its JIT settles after some 30 s of load, and one
    // warm-up run alone left the 1-route figure at a third of the 10,000-route one measured later
    wrk.run(servers.proxy().resolve(one).toString(), settings.wrkWarmup().multipliedBy(2));
    Wrk.Result kwOne = measure("keywatch", servers.proxy().resolve(one));
    Wrk.Result nginxOne = measure("nginx", URI.create("http://127.0.0.1:" + settings.nginxPort() + one));
    rows.addAll(rows("1 route", kwOne, nginxOne));

    int many = settings.manyRoutes();
    putRoutes(1, many);
    awaitServed("/svc" + (many - 1) + "/hello");
    String middle = "/svc" + many / 2 + "/hello";
    Wrk.Result kwMany = measure("keywatch", servers.proxy().resolve(middle));
    Wrk.Result nginxMany = measure("nginx", URI.create("http://127.0.0.1:" + settings.nginxManyRoutesPort() + middle));
    rows.addAll(rows(String.format("%,d routes", many), kwMany, nginxMany));
    rows.add(Row.ratio(String.format("proxy req/s, %,d vs 1 route (Keywatch)", many), kwMany.requestsPerSecond(),
        kwOne.requestsPerSecond(), "req/s", "no slowdown (>= 0.9x)", true, 0.9));
    return rows;
  }

  private static List<Row> rows(String routes, Wrk.Result keywatch, Wrk.Result nginx) {
    return List.of(
        Row.ratio("proxy req/s, " + routes, keywatch.requestsPerSecond(), nginx.requestsPerSecond(), "req/s", ">= 0.7x nginx", true, 0.7),
        Row.context("proxy p50, " + routes, keywatch.p50Millis(), nginx.p50Millis(), "ms"),
        Row.ratio("proxy p99, " + routes, keywatch.p99Millis(), nginx.p99Millis(), "ms", "<= 2x nginx", false, 2.0));
  }

  private Wrk.Result measure(String who, URI url) throws Exception {
    wrk.run(url.toString(), settings.wrkWarmup());
    Wrk.Result r = wrk.run(url.toString(), settings.wrkRun());
    System.out.printf("  %-8s %s: %s%n", who, url, r);
    if (r.non2xx() > 0 || r.socketErrors() > 0) {
      System.out.println("    (errors counted above; wrk said:)\n" + r.raw().indent(4));
    }
    return r;
  }

  /** Routes /svcN/* for N in [from, to), written to the store directly by a few writers (group commit). */
  private void putRoutes(int from, int to) throws Exception {
    KvStore store = serverDb.store();
    URI upstream = URI.create("http://127.0.0.1:" + settings.upstreamPort());
    ExecutorService writers = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = from; i < to; i++) {
        Route route = RouteCodec.parse(("{\"uri\":\"/svc" + i + "/*\",\"upstream\":\"" + upstream + "\"}").getBytes(StandardCharsets.UTF_8));
        String key = Route.key("svc" + i);
        done.add(writers.submit(() -> store.put(key, RouteCodec.toBytes(route))));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      writers.shutdown();
    }
  }

  private void awaitServed(String path) throws Exception {
    URI probe = servers.proxy().resolve(path);
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (Http.get(probe).status() != 200) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the proxy does not serve " + path + " after 60 s");
      }
      Thread.sleep(10);
    }
  }
}
