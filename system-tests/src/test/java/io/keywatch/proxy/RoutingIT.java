package io.keywatch.proxy;

import static io.keywatch.testing.Keywatch.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.testing.Keywatch;
import io.keywatch.testing.KeywatchTest;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The proxy follows the routes written through the admin API: add, override, delete, best match;
 * several uris, wildcard hosts, priority, and proxy-rewrite's uri, regex_uri and host, each seen by
 * a real upstream; and the admin's 400s for routes it must not store.
 */
@KeywatchTest
class RoutingIT {

  static EchoUpstream a;
  static EchoUpstream b;
  static EchoUpstream c;

  @BeforeAll
  static void upstreams() {
    a = new EchoUpstream("A");
    b = new EchoUpstream("B");
    c = new EchoUpstream("C");
  }

  @AfterAll
  static void stop() {
    a.close();
    b.close();
    c.close();
  }

  static void putRoute(Keywatch kw, String id, String json) {
    assertThat(kw.adminPut("/routes/" + id, json).statusCode()).isIn(200, 201);
  }

  static String route(String uri, String upstream) {
    return "{\"uri\": \"" + uri + "\", \"upstream\": \"" + upstream + "\"}";
  }

  @Test
  void withoutARouteTheAnswerIs404NoRoute(Keywatch kw) {
    HttpResponse<String> r = kw.proxyGet("/" + Keywatch.uniqueId("nothing") + "/here");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).isEqualTo("no route\n");
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
  }

  @Test
  void aRouteIsFollowedWhenAddedOverriddenAndDeleted(Keywatch kw) {
    String id = Keywatch.uniqueId("follow");
    String path = "/" + id + "/get";
    assertThat(kw.proxyGet(path).statusCode()).isEqualTo(404);

    putRoute(kw, id, route(path, a.url()));
    eventually()
        .untilAsserted(() -> assertThat(kw.proxyGet(path).body()).isEqualTo("A GET " + path));

    putRoute(kw, id, route(path, b.url()));
    eventually()
        .untilAsserted(() -> assertThat(kw.proxyGet(path).body()).isEqualTo("B GET " + path));

    assertThat(kw.adminDelete("/routes/" + id).statusCode()).isEqualTo(200);
    eventually().untilAsserted(() -> assertThat(kw.proxyGet(path).statusCode()).isEqualTo(404));
  }

  @Test
  void anExactRouteBeatsAPrefixAndTheLongestPrefixWins(Keywatch kw) {
    String base = "/" + Keywatch.uniqueId("match");
    putRoute(kw, Keywatch.uniqueId("short"), route(base + "/*", a.url()));
    putRoute(kw, Keywatch.uniqueId("long"), route(base + "/api/*", b.url()));
    String exact = Keywatch.uniqueId("exact");
    putRoute(kw, exact, route(base + "/api/exact", c.url()));

    eventually()
        .untilAsserted(() -> assertThat(kw.proxyGet(base + "/api/exact").body()).startsWith("C "));
    assertThat(kw.proxyGet(base + "/api/exact/more").body()).startsWith("B ");
    assertThat(kw.proxyGet(base + "/api/").body()).startsWith("B ");
    assertThat(kw.proxyGet(base + "/other").body()).startsWith("A ");
    assertThat(kw.proxyGet(base + "/api").body())
        .as("/api/* does not cover /api itself")
        .startsWith("A ");
  }

  @Test
  void methodsAndHostNarrowARoute(Keywatch kw) {
    String path = "/" + Keywatch.uniqueId("narrow");
    putRoute(kw, Keywatch.uniqueId("any"), route(path, a.url()));
    putRoute(
        kw,
        Keywatch.uniqueId("post"),
        "{\"uri\": \"" + path + "\", \"upstream\": \"" + b.url() + "\", \"methods\": [\"POST\"]}");
    putRoute(
        kw,
        Keywatch.uniqueId("host"),
        "{\"uri\": \"" + path + "\", \"upstream\": \"" + c.url() + "\", \"host\": \"localhost\"}");

    eventually().untilAsserted(() -> assertThat(kw.proxyGet(path).body()).startsWith("C "));
    HttpResponse<String> viaIp =
        kw.send(
            HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + kw.proxyUri().getPort() + path))
                .GET());
    assertThat(viaIp.body())
        .as("another Host falls back to the route for any host")
        .startsWith("A ");
    HttpResponse<String> post =
        kw.send(
            HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + kw.proxyUri().getPort() + path))
                .POST(HttpRequest.BodyPublishers.ofString("x")));
    assertThat(post.body()).startsWith("B ");
  }

  /** A GET sent as raw bytes, so the Host header is exactly {@code host}; the answer's body. */
  static RawClient.Answer getWithHost(Keywatch kw, String path, String host) throws IOException {
    return RawClient.exchange(
        kw.proxyUri(),
        "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
  }

  /** The next request {@code upstream} received whose path and query are {@code uri}. */
  static EchoUpstream.Received receivedAt(EchoUpstream upstream, String uri)
      throws InterruptedException {
    for (EchoUpstream.Received r = upstream.received.poll(30, TimeUnit.SECONDS);
        r != null;
        r = upstream.received.poll(30, TimeUnit.SECONDS)) {
      if (r.uri().equals(uri)) {
        return r;
      }
    }
    throw new AssertionError("no request to " + uri + " reached the upstream");
  }

  @Test
  void aRouteWithSeveralUrisServesEachOfThem(Keywatch kw) {
    String base = "/" + Keywatch.uniqueId("uris");
    putRoute(
        kw,
        Keywatch.uniqueId("uris"),
        "{\"uris\": [\""
            + base
            + "/one\", \""
            + base
            + "/two/*\"], \"upstream\": \""
            + a.url()
            + "\"}");
    eventually()
        .untilAsserted(
            () ->
                assertThat(kw.proxyGet(base + "/one").body()).isEqualTo("A GET " + base + "/one"));
    assertThat(kw.proxyGet(base + "/two/deep/x").body()).isEqualTo("A GET " + base + "/two/deep/x");
    assertThat(kw.proxyGet(base + "/one/more").statusCode()).isEqualTo(404);
    assertThat(kw.proxyGet(base + "/three").statusCode()).isEqualTo(404);
  }

  @Test
  void anExactHostBeatsAWildcardThatTakesOnlyLabelsOnItsLeft(Keywatch kw) throws IOException {
    String path = "/" + Keywatch.uniqueId("hosts");
    String zone = Keywatch.uniqueId("zone").toLowerCase(Locale.ROOT) + ".test";
    putRoute(kw, Keywatch.uniqueId("any"), route(path, a.url()));
    putRoute(
        kw,
        Keywatch.uniqueId("wild"),
        "{\"uri\": \""
            + path
            + "\", \"upstream\": \""
            + b.url()
            + "\", \"host\": \"*."
            + zone
            + "\"}");
    putRoute(
        kw,
        Keywatch.uniqueId("exact"),
        "{\"uri\": \""
            + path
            + "\", \"upstream\": \""
            + c.url()
            + "\", \"hosts\": [\"api."
            + zone
            + "\", \"other.example\"]}");

    eventually()
        .untilAsserted(
            () -> assertThat(getWithHost(kw, path, "api." + zone).body()).startsWith("C "));
    assertThat(getWithHost(kw, path, "API." + zone.toUpperCase(Locale.ROOT) + ".:9080").body())
        .as("case and the trailing dot of an absolute name do not matter, nor the port")
        .startsWith("C ");
    assertThat(getWithHost(kw, path, "www." + zone).body()).startsWith("B ");
    assertThat(getWithHost(kw, path, "a.b." + zone).body())
        .as("a wildcard takes several labels")
        .startsWith("B ");
    assertThat(getWithHost(kw, path, "x.api." + zone).body())
        .as("an exact host does not cover its subdomains; the wildcard does")
        .startsWith("B ");
    assertThat(getWithHost(kw, path, zone).body())
        .as("*.zone does not match the zone itself")
        .startsWith("A ");
    assertThat(getWithHost(kw, path, "evil" + zone).body()).startsWith("A ");
  }

  @Test
  void theHigherPriorityWinsATieAndFollowsAChange(Keywatch kw) {
    String path = "/" + Keywatch.uniqueId("prio");
    // ids in the order a tie without priority would choose: the low one first
    String low = "a-" + Keywatch.uniqueId("low");
    String high = "b-" + Keywatch.uniqueId("high");
    putRoute(
        kw, low, "{\"uri\": \"" + path + "\", \"upstream\": \"" + a.url() + "\", \"priority\": 1}");
    putRoute(
        kw,
        high,
        "{\"uri\": \"" + path + "\", \"upstream\": \"" + b.url() + "\", \"priority\": 5}");
    eventually().untilAsserted(() -> assertThat(kw.proxyGet(path).body()).startsWith("B "));

    putRoute(
        kw,
        high,
        "{\"uri\": \"" + path + "\", \"upstream\": \"" + b.url() + "\", \"priority\": 0}");
    eventually().untilAsserted(() -> assertThat(kw.proxyGet(path).body()).startsWith("A "));
  }

  @Test
  void regexUriStripsAPrefixKeepsTheQueryAndHostIsRewritten(Keywatch kw) throws Exception {
    try (EchoUpstream up = new EchoUpstream("R")) {
      String base = "/" + Keywatch.uniqueId("strip");
      putRoute(
          kw,
          Keywatch.uniqueId("strip"),
          "{\"uri\": \""
              + base
              + "/api/*\", \"upstream\": \""
              + up.url()
              + "\", \"plugins\": {\"proxy-rewrite\": {\"regex_uri\": [\"^"
              + base
              + "/api/(.*)\", \"/v2/$1\"], \"host\": \"backend.example\"}}}");
      eventually()
          .untilAsserted(
              () ->
                  assertThat(kw.proxyGet(base + "/api/users/7?q=a%20b&x").body())
                      .isEqualTo("R GET /v2/users/7?q=a%20b&x"));
      EchoUpstream.Received got = receivedAt(up, "/v2/users/7?q=a%20b&x");
      assertThat(got.header("Host")).isEqualTo("backend.example");
    }
  }

  @Test
  void uriRewriteSendsOnePathForEveryRequest(Keywatch kw) throws Exception {
    try (EchoUpstream up = new EchoUpstream("U")) {
      String base = "/" + Keywatch.uniqueId("fixed");
      putRoute(
          kw,
          Keywatch.uniqueId("fixed"),
          "{\"uri\": \""
              + base
              + "/*\", \"upstream\": \""
              + up.url()
              + "/base\", \"plugins\": {\"proxy-rewrite\": {\"uri\": \"/new\"}}}");
      eventually()
          .untilAsserted(
              () ->
                  assertThat(kw.proxyGet(base + "/old/x?k=v").body())
                      .as("the upstream URL's path still comes first, the query stays")
                      .isEqualTo("U GET /base/new?k=v"));
      EchoUpstream.Received got = receivedAt(up, "/base/new?k=v");
      assertThat(got.header("Host"))
          .as("without a host rewrite, Host is the upstream URL's as before")
          .isEqualTo(up.url().substring("http://".length()));
    }
  }

  @Test
  void aRewriteThatMakesAnInvalidTargetIs500AndNotForwarded(Keywatch kw) throws Exception {
    try (EchoUpstream up = new EchoUpstream("X")) {
      String base = "/" + Keywatch.uniqueId("dots");
      putRoute(
          kw,
          Keywatch.uniqueId("dots"),
          "{\"uri\": \""
              + base
              + "/*\", \"upstream\": \""
              + up.url()
              + "\", \"plugins\": {\"proxy-rewrite\": {\"regex_uri\": [\"^"
              + base
              + "/x(.*)\", \"/$1\"]}}}");
      eventually()
          .untilAsserted(
              () -> assertThat(kw.proxyGet(base + "/xok").body()).isEqualTo("X GET /ok"));
      HttpResponse<String> climbing = kw.proxyGet(base + "/x..");
      assertThat(climbing.statusCode()).as(climbing.body()).isEqualTo(500);
      assertThat(climbing.body())
          .isEqualTo("the route rewrote the path to an invalid request target\n");
      assertThat(up.received.poll(1, TimeUnit.SECONDS))
          .as("the first request reached the upstream")
          .isNotNull();
      assertThat(up.received).as("the .. path never did").isEmpty();
    }
  }

  @Test
  void routesTheGatewayCouldNotServeAre400AndChangeNothing(Keywatch kw) {
    String id = Keywatch.uniqueId("bad");
    String path = "/" + id;
    putRoute(kw, id, route(path, a.url()));
    String stored = kw.adminGet("/routes/" + id).body();
    String up = "\"upstream\": \"" + a.url() + "\"";
    for (var bad :
        List.of(
            List.of(
                "{\"uri\": \"" + path + "\", \"uris\": [\"/b\"], " + up + "}",
                "uri and uris exclude each other: give one"),
            List.of("{\"uris\": [], " + up + "}", "uris must be a non-empty array of strings"),
            List.of(
                "{\"uri\": \"" + path + "\", \"host\": \"a.*.example\", " + up + "}",
                "host must be a host name without port, or *. and a name (*.example.com): a.*.example"),
            List.of(
                "{\"uri\": \"" + path + "\", \"priority\": 0.5, " + up + "}",
                "priority must be an integer from -2147483647 to 2147483647"),
            List.of(
                "{\"uri\": \""
                    + path
                    + "\", "
                    + up
                    + ", \"plugins\": {\"proxy-rewrite\": {\"regex_uri\": [\"^/(a\", \"/$1\"]}}}",
                "plugins.proxy-rewrite.regex_uri: ^/(a is not a regular expression: Unclosed group"),
            List.of(
                "{\"uri\": \""
                    + path
                    + "\", "
                    + up
                    + ", \"plugins\": {\"proxy-rewrite\": {\"uri\": \"/a\", \"regex_uri\": [\"^/\", \"/\"]}}}",
                "plugins.proxy-rewrite: uri and regex_uri exclude each other: give one"))) {
      HttpResponse<String> r = kw.adminPut("/routes/" + id, bad.get(0));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      JsonObject problem = Keywatch.json(r);
      assertThat(problem.getJsonArray("problems").getValuesAs(JsonString::getString))
          .as(bad.get(0))
          .containsExactly(bad.get(1));
    }
    assertThat(kw.adminGet("/routes/" + id).body()).as("the route is as it was").isEqualTo(stored);
    assertThat(kw.proxyGet(path).body()).isEqualTo("A GET " + path);
  }
}
