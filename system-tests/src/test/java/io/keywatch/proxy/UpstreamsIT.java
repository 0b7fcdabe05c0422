package io.keywatch.proxy;

import static io.keywatch.proxy.RoutingIT.putRoute;
import static io.keywatch.testing.Keywatch.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.testing.Keywatch;
import io.keywatch.testing.KeywatchTest;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Upstream objects (APISIX's shape) with real nodes on loopback: how a node is chosen, what a
 * failed node costs the client (nothing while another is healthy), and how nodes are taken out and
 * back.
 */
@KeywatchTest
class UpstreamsIT {

  private final List<NodeServer> nodes = new ArrayList<>();

  @AfterEach
  void stopNodes() {
    nodes.forEach(NodeServer::close);
  }

  NodeServer node(String name) {
    NodeServer n = new NodeServer(name);
    nodes.add(n);
    return n;
  }

  /** A loopback port nothing listens on: connecting is refused. */
  static String refusingAddress() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "127.0.0.1:" + s.getLocalPort();
    }
  }

  /** Routes {@code /<unique>/*} to the upstream object and waits until the proxy follows. */
  static String routeTo(Keywatch kw, String upstreamJson) {
    String id = Keywatch.uniqueId("up");
    String base = "/" + id;
    putRoute(kw, id, "{\"uri\": \"" + base + "/*\", \"upstream\": " + upstreamJson + "}");
    eventually().until(() -> ForwardingIT.routed(kw, base + "/"));
    return base;
  }

  /** The node name of each answer, counted; answers other than 200 count under their status. */
  static Map<String, Integer> spread(Keywatch kw, String path, int requests) {
    Map<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < requests; i++) {
      HttpResponse<String> r = kw.proxyGet(path);
      String who = r.statusCode() == 200 ? r.body().split(" ")[0] : "" + r.statusCode();
      counts.merge(who, 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void weightedRoundRobinSendsEachNodeItsShare(Keywatch kw) {
    NodeServer a = node("A");
    NodeServer b = node("B");
    String base =
        routeTo(
            kw,
            "{\"type\": \"roundrobin\", \"nodes\": {\""
                + a.address()
                + "\": 3, \""
                + b.address()
                + "\": 1}}");
    assertThat(spread(kw, base + "/x", 40)).containsOnly(Map.entry("A", 30), Map.entry("B", 10));
  }

  @Test
  void consistentHashingOnAHeaderKeepsEachKeyOnOneNode(Keywatch kw) {
    NodeServer a = node("A");
    NodeServer b = node("B");
    NodeServer c = node("C");
    String base =
        routeTo(
            kw,
            "{\"type\": \"chash\", \"hash_on\": \"header\", \"key\": \"X-User\", \"nodes\": [{\"host\":"
                + " \"127.0.0.1\", \"port\": "
                + a.port
                + ", \"weight\": 1}, {\"host\": \"127.0.0.1\","
                + " \"port\": "
                + b.port
                + ", \"weight\": 1}, {\"host\": \"127.0.0.1\", \"port\": "
                + c.port
                + ", \"weight\": 1}]}");
    Map<String, String> home = new ConcurrentHashMap<>();
    for (int round = 0; round < 3; round++) {
      for (int user = 0; user < 30; user++) {
        String node =
            kw.send(kw.proxyRequest(base + "/x").header("X-User", "user-" + user))
                .body()
                .split(" ")[0];
        assertThat(home.computeIfAbsent("user-" + user, k -> node))
            .as("user-" + user)
            .isEqualTo(node);
      }
    }
    assertThat(home.values().stream().collect(Collectors.toSet())).containsOnly("A", "B", "C");
  }

  @Test
  void leastConnectionsAvoidsTheNodeThatIsStillBusy(Keywatch kw) throws Exception {
    NodeServer a = node("A");
    NodeServer b = node("B");
    String base =
        routeTo(
            kw,
            "{\"type\": \"least_conn\", \"nodes\": {\""
                + a.address()
                + "\": 1, \""
                + b.address()
                + "\": 1}}");
    int servedByA = a.served.get();
    int servedByB = b.served.get(); // the route's readiness probes went to them too
    CompletableFuture<HttpResponse<String>> held =
        kw.http()
            .sendAsync(
                kw.proxyRequest(base + "/hold").build(), HttpResponse.BodyHandlers.ofString());
    eventually().until(() -> a.served.get() + b.served.get() == servedByA + servedByB + 1);
    String busy = a.served.get() > servedByA ? "A" : "B";
    Map<String, Integer> counts = spread(kw, base + "/x", 10);
    (busy.equals("A") ? a : b).release.countDown();
    (busy.equals("A") ? b : a).release.countDown();
    assertThat(held.get().statusCode()).isEqualTo(200);
    // round-robin would give each 5; a request's in-flight count ends when the upstream client
    // completes it, a moment after the test got its answer, so the next request may find a tie
    assertThat(counts.getOrDefault(busy, 0))
        .as("requests to the busy node " + busy)
        .isLessThanOrEqualTo(2);
    assertThat(counts.keySet()).as("every answer a 200 of A or B").isSubsetOf("A", "B");
  }

  @Test
  void passHostSendsTheClientsTheNodesOrTheGivenHost(Keywatch kw) {
    NodeServer a = node("A");
    String nodes = "\"nodes\": {\"" + a.address() + "\": 1}";
    String pass = routeTo(kw, "{" + nodes + "}");
    String byNode = routeTo(kw, "{" + nodes + ", \"pass_host\": \"node\"}");
    String rewrite =
        routeTo(
            kw, "{" + nodes + ", \"pass_host\": \"rewrite\", \"upstream_host\": \"svc.example\"}");
    assertThat(kw.proxyGet(pass + "/x").body()).isEqualTo("A localhost:" + kw.proxyUri().getPort());
    assertThat(kw.proxyGet(byNode + "/x").body()).isEqualTo("A " + a.address());
    assertThat(kw.proxyGet(rewrite + "/x").body()).isEqualTo("A svc.example");
  }

  @Test
  void anUpstreamOfItsOwnKeyServesEveryRouteThatNamesItAndAChangeReachesThemAll(Keywatch kw) {
    NodeServer a = node("A");
    NodeServer b = node("B");
    String id = Keywatch.uniqueId("shared");
    assertThat(
            kw.adminPut("/upstreams/" + id, "{\"nodes\": {\"" + a.address() + "\": 1}}")
                .statusCode())
        .isEqualTo(201);
    List<String> bases = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String route = Keywatch.uniqueId("named");
      putRoute(kw, route, "{\"uri\": \"/" + route + "/*\", \"upstream_id\": \"" + id + "\"}");
      bases.add("/" + route);
    }
    for (String base : bases) {
      eventually().until(() -> kw.proxyGet(base + "/x").body().startsWith("A "));
    }
    JsonObject stored = Keywatch.json(kw.adminGet("/upstreams/" + id)).getJsonObject("value");
    assertThat(stored.getString("type")).isEqualTo("roundrobin");
    assertThat(stored.getJsonArray("nodes").getJsonObject(0).getInt("port")).isEqualTo(a.port);

    assertThat(
            kw.adminPut("/upstreams/" + id, "{\"nodes\": {\"" + b.address() + "\": 1}}")
                .statusCode())
        .isEqualTo(200);
    eventually().until(() -> kw.proxyGet(bases.get(0) + "/x").body().startsWith("B "));
    for (String base : bases) {
      assertThat(kw.proxyGet(base + "/x").body()).as("same swap for " + base).startsWith("B ");
    }

    HttpResponse<String> inUse = kw.adminDelete("/upstreams/" + id);
    assertThat(inUse.statusCode()).isEqualTo(400);
    assertThat(inUse.body()).contains("still named by upstream_id");
    HttpResponse<String> unknown =
        kw.adminPut(
            "/routes/" + Keywatch.uniqueId("dangling"),
            "{\"uri\": \"/dangling\", \"upstream_id\": \"" + Keywatch.uniqueId("none") + "\"}");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).contains("no upstream is stored under");
  }

  @Test
  void anInvalidUpstreamIsA400ProblemListingEveryReasonAndNothingIsWritten(Keywatch kw) {
    String id = Keywatch.uniqueId("bad");
    HttpResponse<String> r =
        kw.adminPut(
            "/upstreams/" + id,
            "{\"nodes\": {\"127.0.0.1:0\": 1}, \"type\": \"random\", \"pass_host\": \"rewrite\"}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonObject problem = Keywatch.json(r);
    assertThat(problem.getString("title")).isEqualTo("Invalid upstream");
    assertThat(problem.getJsonArray("problems").getValuesAs(jakarta.json.JsonString::getString))
        .containsExactlyInAnyOrder(
            "nodes.127.0.0.1:0: port must be from 1 to 65535",
            "type must be one of [roundrobin, chash, least_conn]: random",
            "upstream_host is required with pass_host rewrite");
    assertThat(kw.adminGet("/upstreams/" + id).statusCode()).isEqualTo(404);

    String route = Keywatch.uniqueId("badinline");
    HttpResponse<String> inline =
        kw.adminPut(
            "/routes/" + route,
            "{\"uri\": \"/x\", \"upstream\": {\"nodes\": {\"127.0.0.1:80\": 1}, \"retries\": -1}}");
    assertThat(inline.statusCode()).isEqualTo(400);
    assertThat(inline.body()).contains("upstream.retries must be an integer from 0 to 100");
    assertThat(kw.adminGet("/routes/" + route).statusCode()).isEqualTo(404);

    HttpResponse<String> admin =
        kw.adminPut(
            "/upstreams/" + id,
            "{\"nodes\": {\"127.0.0.1:1\": 1, \"127.0.0.1:" + kw.adminUri().getPort() + "\": 1}}");
    assertThat(admin.statusCode()).isEqualTo(400);
    assertThat(admin.body())
        .contains(
            "upstream node 127.0.0.1:" + kw.adminUri().getPort() + " is this admin server itself");
    assertThat(kw.adminGet("/upstreams/" + id).statusCode()).isEqualTo(404);
  }

  @Test
  void aRefusingNodeIsRetriedOnTheNextAndOnlyNoNodeLeftIs502(Keywatch kw) throws IOException {
    NodeServer a = node("A");
    String refusing = refusingAddress();
    String nodes = "\"nodes\": {\"" + refusing + "\": 1, \"" + a.address() + "\": 1}";
    String retried = routeTo(kw, "{" + nodes + "}");
    assertThat(spread(kw, retried + "/x", 20)).containsOnly(Map.entry("A", 20));
    HttpResponse<String> post =
        kw.send(
            kw.proxyRequest(retried + "/x")
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
    assertThat(post.statusCode()).as("nothing was sent to the refusing node").isEqualTo(200);

    String notRetried =
        routeTo(
            kw,
            "{"
                + nodes
                + ", \"retries\": 0, \"checks\": {\"passive\": {\"unhealthy\": {\"tcp_failures\": 0}}}}");
    assertThat(spread(kw, notRetried + "/x", 20))
        .containsOnly(Map.entry("A", 10), Map.entry("502", 10));

    String none = routeTo(kw, "{\"nodes\": {\"" + refusing + "\": 1}}");
    HttpResponse<String> r = kw.proxyGet(none + "/x");
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.body()).contains("refused or reset");
  }

  @Test
  void anUpstreamsReadTimeoutIsA504ThatARoutesOwnTimeoutOverrides(Keywatch kw) {
    NodeServer a = node("A");
    String upstream =
        "{\"nodes\": {\"" + a.address() + "\": 1}, \"timeout\": {\"connect\": 1, \"read\": 0.5}}";
    String base = routeTo(kw, upstream);
    long start = System.nanoTime();
    HttpResponse<String> r = kw.proxyGet(base + "/hold");
    long tookMillis = (System.nanoTime() - start) / 1_000_000;
    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(tookMillis).as("waited about the read timeout").isBetween(400L, 10_000L);

    String id = Keywatch.uniqueId("own");
    putRoute(
        kw, id, "{\"uri\": \"/" + id + "/*\", \"timeout\": 30, \"upstream\": " + upstream + "}");
    eventually().until(() -> ForwardingIT.routed(kw, "/" + id + "/"));
    CompletableFuture<HttpResponse<String>> held =
        kw.http()
            .sendAsync(
                kw.proxyRequest("/" + id + "/hold").build(), HttpResponse.BodyHandlers.ofString());
    eventually().pollDelay(java.time.Duration.ofSeconds(1)).until(() -> !held.isDone());
    a.release.countDown();
    assertThat(held.join().statusCode())
        .as("the route's 30 s win over the upstream's 0.5 s")
        .isEqualTo(200);
  }

  @Test
  void aNodeThatDoesNotAcceptWithinTheConnectTimeoutIsRetriedOnTheNext(Keywatch kw)
      throws IOException {
    NodeServer a = node("A");
    // a listener that never accepts, its queue filled: further connections hang in SYN_SENT
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      List<java.net.Socket> fillers = new ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          java.net.Socket f = new java.net.Socket();
          try {
            f.connect(silent.getLocalSocketAddress(), 200);
            fillers.add(f);
          } catch (java.net.SocketTimeoutException full) {
            f.close();
            break;
          }
        }
        String base =
            routeTo(
                kw,
                "{\"nodes\": {\"127.0.0.1:"
                    + silent.getLocalPort()
                    + "\": 1, \""
                    + a.address()
                    + "\": 1}, \"timeout\": {\"connect\": 0.3}}");
        long start = System.nanoTime();
        assertThat(spread(kw, base + "/x", 6)).containsOnly(Map.entry("A", 6));
        // 3 of them tried the silent node first: 0.3 s each, not the proxy's connect timeout (5 s)
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(4_000L);
      } finally {
        for (java.net.Socket f : fillers) {
          f.close();
        }
      }
    }
  }

  @Test
  void aNodeKilledUnderLoadCostsNoClientAnErrorWhileAnotherIsHealthy(Keywatch kw) throws Exception {
    NodeServer a = node("A");
    NodeServer b = node("B");
    String base =
        routeTo(kw, "{\"nodes\": {\"" + a.address() + "\": 1, \"" + b.address() + "\": 1}}");
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger ok = new AtomicInteger();
    Map<String, Integer> errors = new ConcurrentHashMap<>();
    List<CompletableFuture<Void>> clients = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      clients.add(
          CompletableFuture.runAsync(
              () -> {
                while (!stop.get()) {
                  try {
                    HttpResponse<String> r = kw.proxyGet(base + "/load");
                    if (r.statusCode() == 200) {
                      ok.incrementAndGet();
                    } else {
                      errors.merge(r.statusCode() + " " + r.body().strip(), 1, Integer::sum);
                    }
                  } catch (RuntimeException e) {
                    errors.merge(e.toString(), 1, Integer::sum);
                  }
                }
              }));
    }
    eventually().until(() -> b.served.get() >= 50 && a.served.get() >= 50);
    b.kill();
    int atKill = ok.get();
    eventually().until(() -> ok.get() >= atKill + 400);
    stop.set(true);
    CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get();
    assertThat(errors).as("answers other than 200 after node B was killed").isEmpty();
  }

  @Test
  void passiveChecksTakeAFailingNodeOutForAWhileAndThenTryItAgain(Keywatch kw) {
    NodeServer a = node("A");
    NodeServer b = node("B");
    String base =
        routeTo(
            kw,
            "{\"nodes\": {\""
                + a.address()
                + "\": 1, \""
                + b.address()
                + "\": 1}, \"retries\": 0,"
                + " \"checks\": {\"passive\": {\"unhealthy\": {\"tcp_failures\": 1}}}}");
    assertThat(spread(kw, base + "/x", 10)).containsOnly(Map.entry("A", 5), Map.entry("B", 5));
    b.kill();
    Map<String, Integer> whileOut = spread(kw, base + "/x", 20);
    assertThat(whileOut.getOrDefault("502", 0))
        .as("the one failure that takes B out")
        .isLessThanOrEqualTo(1);
    assertThat(whileOut.get("A")).isGreaterThanOrEqualTo(19);
    b.restart();
    int before = b.served.get();
    // keywatch.proxy.checks.passive-out-for (10 s) later, B gets its share again
    eventually()
        .until(
            () -> {
              kw.proxyGet(base + "/x");
              return b.served.get() > before;
            });
  }

  @Test
  void activeChecksTakeANodeOutThatFailsItsProbesAndBringItBack(Keywatch kw) {
    NodeServer a = node("A");
    NodeServer b = node("B");
    String base =
        routeTo(
            kw,
            "{\"nodes\": {\""
                + a.address()
                + "\": 1, \""
                + b.address()
                + "\": 1},"
                + " \"checks\": {\"active\": {\"http_path\": \"/health\", \"timeout\": 1,"
                + " \"healthy\": {\"interval\": 0.2, \"successes\": 2},"
                + " \"unhealthy\": {\"interval\": 0.2, \"http_failures\": 2}}}}");
    eventually().until(() -> b.probes.get() >= 2);
    b.health = 500;
    int probes = b.probes.get();
    eventually().until(() -> b.probes.get() >= probes + 3);
    assertThat(spread(kw, base + "/x", 20)).as("B is down").containsOnly(Map.entry("A", 20));
    b.health = 200;
    eventually().until(() -> spread(kw, base + "/x", 4).containsKey("B"));
    assertThat(a.probes.get()).isGreaterThan(0);
  }
}
