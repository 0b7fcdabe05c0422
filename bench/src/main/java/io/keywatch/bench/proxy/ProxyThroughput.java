package io.keywatch.bench.proxy;

import io.keywatch.bench.lab.BenchDatabase;
import io.keywatch.bench.lab.BenchSettings;
import io.keywatch.bench.lab.Http;
import io.keywatch.bench.lab.KeywatchServers;
import io.keywatch.bench.lab.WarmUp;
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
 * upstream block) to the same local upstream (nginx answering a small static body), with 1 route,
 * with 3 weighted nodes (the upstream on three ports; nginx's upstream block of the three, with the
 * same weights) and with 10,000 routes. Routes are prefix routes {@code /svcN/*}; the request goes
 * to {@code /svc0/hello} with one route and to the middle route's path with many. Each wrk run
 * follows a warm-up run on the same URL, and the first waits until the cold proxy's JIT has gone
 * quiet ({@link WarmUp}); Keywatch and nginx alternate. Keywatch's 1-route and 10,000-route runs
 * are repeated once for the slowdown ratio. The 1-route run is also measured beside uploads that
 * trickle in ({@link SlowUploads}), against itself without them.
 */
public final class ProxyThroughput {

  private static final int SLOW_UPLOADS = 500;

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
    int many = settings.manyRoutes();
    putRoutes(0, 1);
    String one = "/svc0/hello";
    awaitServed(one);
    // the proxy's JVM is cold here (bench/run proxy)
    String warm = servers.proxy().resolve(one).toString();
    WarmUp.untilSettled(
        "keywatch " + one,
        "req/s",
        servers.proxyPid(),
        () -> wrk.run(warm, settings.wrkWarmup()).requestsPerSecond());
    Wrk.Result kwOne = measure("keywatch", servers.proxy().resolve(one));
    Wrk.Result nginxOne =
        measure("nginx", URI.create("http://127.0.0.1:" + settings.nginxPort() + one));
    rows.addAll(rows("1 route", kwOne, nginxOne));
    rows.addAll(besideSlowUploads(servers.proxy().resolve(one)));

    // 3 weighted nodes (3:2:1, round robin) against nginx's upstream block of the same three
    String three = "/nodes3/hello";
    putThreeNodes();
    awaitServed(three);
    Wrk.Result kwThree = measure("keywatch", servers.proxy().resolve(three));
    Wrk.Result nginxThree =
        measure("nginx", URI.create("http://127.0.0.1:" + settings.nginxPort() + three));
    rows.addAll(rows("3 weighted nodes", kwThree, nginxThree));

    String middle = "/svc" + many / 2 + "/hello";
    putRoutes(1, many);
    awaitServed("/svc" + (many - 1) + "/hello");
    Wrk.Result kwMany = measure("keywatch", servers.proxy().resolve(middle));
    Wrk.Result nginxMany =
        measure("nginx", URI.create("http://127.0.0.1:" + settings.nginxManyRoutesPort() + middle));
    rows.addAll(rows(String.format("%,d routes", many), kwMany, nginxMany));

    // 1 and 10,000 routes are measured a minute apart, when the machine's other load may differ
    // (single pairs gave 0.88x-1.65x): a second pair, the table cut back to one route and grown
    // again
    deleteRoutes(1, many);
    awaitGone(middle);
    Wrk.Result kwOneAgain = measure("keywatch", servers.proxy().resolve(one));
    putRoutes(1, many);
    awaitServed("/svc" + (many - 1) + "/hello");
    Wrk.Result kwManyAgain = measure("keywatch", servers.proxy().resolve(middle));
    rows.add(
        Row.ratio(
            String.format("proxy req/s, %,d vs 1 route (Keywatch, 2 pairs)", many),
            kwMany.requestsPerSecond() + kwManyAgain.requestsPerSecond(),
            kwOne.requestsPerSecond() + kwOneAgain.requestsPerSecond(),
            "req/s",
            "no slowdown (>= 0.9x)",
            true,
            0.9));
    return rows;
  }

  /**
   * The 1-route run again, without and then beside {@value #SLOW_UPLOADS} uploads that trickle in
   * on a route of their own (issue 14 item 4): the other clients must be served as usual.
   */
  private List<Row> besideSlowUploads(URI url) throws Exception {
    try (SlowUploads uploads = SlowUploads.upstream()) {
      putRoute(serverDb.store(), "slowup", uploads.upstreamUri());
      awaitServed("/slowup/ready");
      Wrk.Result without = measure("keywatch", url);
      uploads.begin(servers.proxy(), "/slowup/upload", SLOW_UPLOADS);
      Wrk.Result beside = measure("keywatch", url);
      System.out.printf(
          "  beside %d uploads at a byte a second, %d of them cut by the gateway%n",
          SLOW_UPLOADS, uploads.cut());
      String line = "1 route beside " + SLOW_UPLOADS + " slow uploads";
      return List.of(
          Row.ratio(
              "proxy req/s, " + line,
              beside.requestsPerSecond(),
              without.requestsPerSecond(),
              "req/s",
              ">= 0.9x without them",
              true,
              0.9),
          Row.ratio(
              "proxy p99, " + line,
              beside.p99Millis(),
              without.p99Millis(),
              "ms",
              "<= 1.5x without them",
              false,
              1.5));
    } finally {
      serverDb.store().delete(Route.key("slowup"));
    }
  }

  private static List<Row> rows(String routes, Wrk.Result keywatch, Wrk.Result nginx) {
    return List.of(
        Row.ratio(
            "proxy req/s, " + routes,
            keywatch.requestsPerSecond(),
            nginx.requestsPerSecond(),
            "req/s",
            ">= 0.7x nginx",
            true,
            0.7),
        Row.context("proxy p50, " + routes, keywatch.p50Millis(), nginx.p50Millis(), "ms"),
        Row.ratio(
            "proxy p99, " + routes,
            keywatch.p99Millis(),
            nginx.p99Millis(),
            "ms",
            "<= 2x nginx",
            false,
            2.0));
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

  /** Route /{id}/* to {@code upstream}. */
  private static void putRoute(KvStore store, String id, URI upstream) {
    Route route =
        RouteCodec.parse(
            ("{\"uri\":\"/" + id + "/*\",\"upstream\":\"" + upstream + "\"}")
                .getBytes(StandardCharsets.UTF_8));
    store.put(Route.key(id), RouteCodec.toBytes(route));
  }

  /**
   * Routes /svcN/* for N in [from, to), written to the store directly by a few writers (group
   * commit).
   */
  private void putRoutes(int from, int to) throws Exception {
    URI upstream = URI.create("http://127.0.0.1:" + settings.upstreamPort());
    forEachRoute(from, to, (store, i) -> putRoute(store, "svc" + i, upstream));
  }

  /**
   * Route /nodes3/* to an upstream object of the static upstream's three ports, weights 3, 2, 1
   * (the JSON as an admin stores it, so the bench need not parse upstream objects itself).
   */
  private void putThreeNodes() throws Exception {
    List<Integer> ports = new ArrayList<>();
    ports.add(settings.upstreamPort());
    ports.addAll(settings.upstreamMorePorts());
    StringBuilder nodes = new StringBuilder();
    for (int i = 0; i < ports.size(); i++) {
      nodes
          .append(i == 0 ? "" : ",")
          .append("{\"host\":\"127.0.0.1\",\"port\":")
          .append(ports.get(i))
          .append(",\"weight\":")
          .append(ports.size() - i)
          .append('}');
    }
    String json =
        "{\"uri\":\"/nodes3/*\",\"upstream\":{\"type\":\"roundrobin\",\"nodes\":[" + nodes + "]}}";
    serverDb.store().put(Route.key("nodes3"), json.getBytes(StandardCharsets.UTF_8));
  }

  private void deleteRoutes(int from, int to) throws Exception {
    forEachRoute(from, to, (store, i) -> store.delete(Route.key("svc" + i)));
  }

  private interface RouteChange {
    void apply(KvStore store, int i);
  }

  private void forEachRoute(int from, int to, RouteChange change) throws Exception {
    KvStore store = serverDb.store();
    ExecutorService writers = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = from; i < to; i++) {
        int n = i;
        done.add(writers.submit(() -> change.apply(store, n)));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      writers.shutdown();
    }
  }

  private void awaitServed(String path) throws Exception {
    await(path, 200);
  }

  private void awaitGone(String path) throws Exception {
    await(path, 404);
  }

  private void await(String path, int status) throws Exception {
    URI probe = servers.proxy().resolve(path);
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (Http.get(probe).status() != status) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the proxy does not answer " + path + " with " + status + " after 60 s");
      }
      Thread.sleep(10);
    }
  }
}
