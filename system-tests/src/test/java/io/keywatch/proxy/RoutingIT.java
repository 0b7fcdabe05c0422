package io.keywatch.proxy;

import static io.keywatch.testing.Keywatch.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.testing.Keywatch;
import io.keywatch.testing.KeywatchTest;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The proxy follows the routes written through the admin API: add, override, delete, best match.
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
}
