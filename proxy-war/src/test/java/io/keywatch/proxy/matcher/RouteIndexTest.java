package io.keywatch.proxy.matcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.proxy.balance.NodeState;
import io.keywatch.routes.Route;
import io.keywatch.routes.RouteCodec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouteIndexTest {

  static Route route(String uri, String upstream) {
    return new Route(uri, URI.create(upstream), Set.of(), Optional.empty(), Optional.empty());
  }

  /** A route from its JSON document, with the upstream given. */
  static Route json(String fields) {
    return RouteCodec.parse(
        ("{\"upstream\": \"http://u\", " + fields + "}").getBytes(StandardCharsets.UTF_8));
  }

  static RouteIndex index(Object... keysAndRoutes) {
    RouteIndex.Editor edit = RouteIndex.EMPTY.edit();
    for (int i = 0; i < keysAndRoutes.length; i += 2) {
      edit.put((String) keysAndRoutes[i], (Route) keysAndRoutes[i + 1]);
    }
    return edit.build();
  }

  static String keyOf(Target t) {
    return t == null ? null : t.key();
  }

  @Test
  void exactBeatsPrefixAndLongestPrefixWins() {
    RouteIndex index =
        index(
            "/routes/root", route("/*", "http://a"),
            "/routes/api", route("/api/*", "http://b"),
            "/routes/v1", route("/api/v1/*", "http://c"),
            "/routes/exact", route("/api/v1/users", "http://d"));

    assertThat(keyOf(index.match("GET", "h", "/api/v1/users"))).isEqualTo("/routes/exact");
    assertThat(keyOf(index.match("GET", "h", "/api/v1/users/7"))).isEqualTo("/routes/v1");
    assertThat(keyOf(index.match("GET", "h", "/api/v1/"))).isEqualTo("/routes/v1");
    assertThat(keyOf(index.match("GET", "h", "/api/v2"))).isEqualTo("/routes/api");
    assertThat(keyOf(index.match("GET", "h", "/api"))).isEqualTo("/routes/root");
    assertThat(keyOf(index.match("GET", "h", "/"))).isEqualTo("/routes/root");
  }

  @Test
  void noRouteWithoutMatch() {
    RouteIndex index =
        index("/routes/get", route("/get", "http://a"), "/routes/api", route("/api/*", "http://a"));
    assertThat(index.match("GET", "h", "/get/more")).isNull();
    assertThat(index.match("GET", "h", "/gets")).isNull();
    assertThat(index.match("GET", "h", "/api")).isNull();
    assertThat(RouteIndex.EMPTY.match("GET", "h", "/")).isNull();
  }

  @Test
  void methodsAndHostNarrowARouteAndTheMostSpecificWins() {
    Route any = route("/x", "http://any");
    Route posts =
        new Route(
            "/x", URI.create("http://post"), Set.of("POST"), Optional.empty(), Optional.empty());
    Route onHost =
        new Route(
            "/x", URI.create("http://host"), Set.of(), Optional.of("A.example"), Optional.empty());
    RouteIndex index = index("/routes/any", any, "/routes/post", posts, "/routes/host", onHost);

    assertThat(keyOf(index.match("GET", "other", "/x"))).isEqualTo("/routes/any");
    assertThat(keyOf(index.match("POST", "other", "/x"))).isEqualTo("/routes/post");
    assertThat(keyOf(index.match("POST", "a.example", "/x"))).isEqualTo("/routes/host");
  }

  @Test
  void aPrefixThatRefusesTheMethodFallsBackToAShorterOne() {
    Route getOnly =
        new Route(
            "/api/*", URI.create("http://b"), Set.of("GET"), Optional.empty(), Optional.empty());
    RouteIndex index = index("/routes/root", route("/*", "http://a"), "/routes/api", getOnly);
    assertThat(keyOf(index.match("GET", "h", "/api/x"))).isEqualTo("/routes/api");
    assertThat(keyOf(index.match("DELETE", "h", "/api/x"))).isEqualTo("/routes/root");
  }

  @Test
  void putReplacesAndRemoveForgetsWithoutTouchingTheOldIndex() {
    RouteIndex first =
        index("/routes/a", route("/a", "http://one"), "/routes/b", route("/b/*", "http://one"));
    RouteIndex.Editor edit = first.edit();
    edit.put("/routes/a", route("/moved", "http://two"));
    edit.remove("/routes/b");
    edit.remove("/routes/absent");
    RouteIndex second = edit.build();

    assertThat(second.size()).isEqualTo(1);
    assertThat(second.match("GET", "h", "/a")).isNull();
    assertThat(second.match("GET", "h", "/b/c")).isNull();
    assertThat(second.match("GET", "h", "/moved").pool().nodes().get(0).address().host())
        .isEqualTo("two");
    assertThat(first.size()).isEqualTo(2);
    assertThat(first.match("GET", "h", "/a").pool().nodes().get(0).address().host())
        .isEqualTo("one");
    assertThat(keyOf(first.match("GET", "h", "/b/c"))).isEqualTo("/routes/b");
  }

  @Test
  void twoRoutesOnOneUriLeaveTheOtherWhenOneGoes() {
    Route posts =
        new Route(
            "/x", URI.create("http://post"), Set.of("POST"), Optional.empty(), Optional.empty());
    RouteIndex index = index("/routes/any", route("/x", "http://any"), "/routes/post", posts);
    RouteIndex.Editor edit = index.edit();
    edit.remove("/routes/post");
    assertThat(keyOf(edit.build().match("POST", "h", "/x"))).isEqualTo("/routes/any");
  }

  @Test
  void upstreamIsTakenApartOnce() {
    Route r =
        new Route(
            "/x",
            URI.create("http://127.0.0.1:8080/base/"),
            Set.of(),
            Optional.empty(),
            Optional.of(Duration.ofSeconds(2)));
    Target t = Target.of("/routes/x", r);
    NodeState node = t.pool().nodes().get(0);
    assertThat(node.address()).isEqualTo(new Target.Address(false, "127.0.0.1", 8080));
    assertThat(t.basePath()).isEqualTo("/base");
    assertThat(node.hostHeader()).isEqualTo("127.0.0.1:8080");
    Target v6 = Target.of("/routes/y", route("/y", "https://[::1]"));
    NodeState v6Node = v6.pool().nodes().get(0);
    assertThat(v6Node.address()).isEqualTo(new Target.Address(true, "::1", 443));
    assertThat(v6Node.hostHeader()).isEqualTo("[::1]");
    assertThat(v6.basePath()).isEmpty();
    assertThat(t.pool().upstream().tries()).as("a URL's one node, tried once").isEqualTo(1);
  }

  @Test
  void aRoutePutAgainWithTheSameUpstreamKeepsItsNodeState() {
    RouteIndex first =
        index("/routes/a", route("/a", "http://one"), "/routes/b", route("/b", "http://b"));
    RouteIndex.Editor edit = first.edit();
    edit.put("/routes/a", route("/a2", "http://one"));
    edit.put("/routes/b", route("/b", "http://other"));
    RouteIndex second = edit.build();
    assertThat(second.get("/routes/a").pool()).isSameAs(first.get("/routes/a").pool());
    assertThat(second.get("/routes/b").pool()).isNotSameAs(first.get("/routes/b").pool());
  }

  @Test
  void manyRoutesAllMatchTheirOwn() {
    RouteIndex.Editor edit = RouteIndex.EMPTY.edit();
    for (int i = 0; i < 20_000; i++) {
      edit.put("/routes/e" + i, route("/svc/" + i, "http://e"));
      edit.put("/routes/p" + i, route("/svc/" + i + "/*", "http://p"));
    }
    RouteIndex index = edit.build();
    assertThat(index.size()).isEqualTo(40_000);
    for (int i = 0; i < 20_000; i += 7) {
      assertThat(keyOf(index.match("GET", "h", "/svc/" + i))).isEqualTo("/routes/e" + i);
      assertThat(keyOf(index.match("GET", "h", "/svc/" + i + "/deep/path")))
          .isEqualTo("/routes/p" + i);
    }
    assertThat(index.match("GET", "h", "/svc/20000")).isNull();
  }

  @Test
  void aRouteWithSeveralUrisMatchesEachAndGoesFromAll() {
    RouteIndex index =
        index(
            "/routes/many", json("\"uris\": [\"/a\", \"/b/*\", \"/c/d\"]"),
            "/routes/root", route("/*", "http://root"));
    assertThat(keyOf(index.match("GET", "h", "/a"))).isEqualTo("/routes/many");
    assertThat(keyOf(index.match("GET", "h", "/b/x/y"))).isEqualTo("/routes/many");
    assertThat(keyOf(index.match("GET", "h", "/c/d"))).isEqualTo("/routes/many");
    assertThat(keyOf(index.match("GET", "h", "/a/x"))).isEqualTo("/routes/root");
    assertThat(keyOf(index.match("GET", "h", "/c/d/e"))).isEqualTo("/routes/root");

    RouteIndex.Editor edit = index.edit();
    edit.put("/routes/many", json("\"uri\": \"/c/d\""));
    RouteIndex moved = edit.build();
    assertThat(keyOf(moved.match("GET", "h", "/a"))).isEqualTo("/routes/root");
    assertThat(keyOf(moved.match("GET", "h", "/b/x"))).isEqualTo("/routes/root");
    assertThat(keyOf(moved.match("GET", "h", "/c/d"))).isEqualTo("/routes/many");
    RouteIndex.Editor gone = moved.edit();
    gone.remove("/routes/many");
    assertThat(keyOf(gone.build().match("GET", "h", "/c/d"))).isEqualTo("/routes/root");
  }

  @Test
  void aWildcardHostTakesLabelsOnTheLeftInAnyCaseButNotItsSuffixAlone() {
    RouteIndex index = index("/routes/w", json("\"uri\": \"/x\", \"host\": \"*.Example.com\""));
    assertThat(index.match("GET", "a.example.com", "/x")).isNotNull();
    assertThat(index.match("GET", "a.b.example.com", "/x")).isNotNull();
    assertThat(index.match("GET", "A.EXAMPLE.COM", "/x")).isNotNull();
    assertThat(index.match("GET", "example.com", "/x")).isNull();
    assertThat(index.match("GET", "aexample.com", "/x")).isNull();
    assertThat(index.match("GET", "a.example.com.evil", "/x")).isNull();
  }

  @Test
  void anExactHostBeatsAWildcardAndALongerWildcardAShorterOne() {
    RouteIndex index =
        index(
            "/routes/any", json("\"uri\": \"/x\", \"priority\": 100"),
            "/routes/short", json("\"uri\": \"/x\", \"host\": \"*.example.com\", \"priority\": 50"),
            "/routes/long", json("\"uri\": \"/x\", \"host\": \"*.api.example.com\""),
            "/routes/exact", json("\"uri\": \"/x\", \"hosts\": [\"v1.api.example.com\", \"b.c\"]"));
    assertThat(keyOf(index.match("GET", "v1.api.example.com", "/x"))).isEqualTo("/routes/exact");
    assertThat(keyOf(index.match("GET", "b.c", "/x"))).isEqualTo("/routes/exact");
    assertThat(keyOf(index.match("GET", "v2.api.example.com", "/x"))).isEqualTo("/routes/long");
    assertThat(keyOf(index.match("GET", "www.example.com", "/x"))).isEqualTo("/routes/short");
    assertThat(keyOf(index.match("GET", "other", "/x")))
        .as("priority orders routes at one host level, it does not lift any host above a host")
        .isEqualTo("/routes/any");
  }

  @Test
  void theHigherPriorityWinsAmongRoutesThatMatchEquallyWell() {
    RouteIndex index =
        index(
            "/routes/a", json("\"uri\": \"/p/*\", \"priority\": 1"),
            "/routes/b", json("\"uri\": \"/p/*\", \"priority\": 2"),
            "/routes/c", json("\"uri\": \"/p/*\", \"methods\": [\"GET\"]"),
            "/routes/exact", json("\"uri\": \"/p/exact\", \"priority\": -5"),
            "/routes/short", json("\"uri\": \"/*\", \"priority\": 99"));
    assertThat(keyOf(index.match("GET", "h", "/p/q")))
        .as("priority before methods: /routes/c is for GET only but has priority 0")
        .isEqualTo("/routes/b");
    assertThat(keyOf(index.match("GET", "h", "/p/exact")))
        .as("priority never lifts a prefix over an exact uri")
        .isEqualTo("/routes/exact");
    assertThat(keyOf(index.match("GET", "h", "/p/")))
        .as("nor a shorter prefix over a longer one")
        .isEqualTo("/routes/b");

    RouteIndex.Editor edit = index.edit();
    edit.put("/routes/a", json("\"uri\": \"/p/*\", \"priority\": 3"));
    assertThat(keyOf(edit.build().match("GET", "h", "/p/q"))).isEqualTo("/routes/a");
  }

  @Test
  void onlyARouteWithAPathRewriteRewrites() {
    Target plain = Target.of("/routes/p", json("\"uri\": \"/api/*\""));
    assertThat(plain.pathRewrite()).isNull();
    assertThat(plain.hostRewrite()).isNull();
    String path = "/api/x";
    assertThat(plain.upstreamPath(path)).isSameAs(path);

    Target hostOnly =
        Target.of(
            "/routes/h",
            json("\"uri\": \"/api/*\", \"plugins\": {\"proxy-rewrite\": {\"host\": \"up\"}}"));
    assertThat(hostOnly.pathRewrite()).isNull();
    assertThat(hostOnly.hostRewrite()).isEqualTo("up");

    Target strip =
        Target.of(
            "/routes/s",
            json(
                "\"uri\": \"/api/*\", \"plugins\": {\"proxy-rewrite\":"
                    + " {\"regex_uri\": [\"^/api(/.*)\", \"$1\"]}}"));
    assertThat(strip.upstreamPath("/api/x/y")).isEqualTo("/x/y");
  }
}
