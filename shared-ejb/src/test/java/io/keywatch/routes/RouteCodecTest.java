package io.keywatch.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteCodecTest {

  static final String UP = "\"upstream\": \"http://127.0.0.1:1\"";

  static Route parse(String json) {
    return RouteCodec.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  static List<String> problems(String json) {
    try {
      parse(json);
    } catch (InvalidRouteException e) {
      return e.problems();
    }
    throw new AssertionError("accepted: " + json);
  }

  static String rewrite(String proxyRewrite) {
    return "{\"uri\": \"/api/*\", "
        + UP
        + ", \"plugins\": {\"proxy-rewrite\": "
        + proxyRewrite
        + "}}";
  }

  static String rewritten(String proxyRewrite, String path) {
    return parse(rewrite(proxyRewrite)).rewrite().orElseThrow().apply(path);
  }

  @Test
  void urisHostsPriorityAndRewriteSurviveTheCanonicalForm() {
    Route r =
        parse(
            "{\"uris\": [\"/a\", \"/b/*\"], "
                + UP
                + ", \"hosts\": [\"x.example\", \"*.Example.com\"], \"priority\": -3,"
                + " \"plugins\": {\"proxy-rewrite\": {\"regex_uri\": [\"^/a(.*)\", \"/z$1\","
                + " \"^/b/\", \"/\"], \"host\": \"up.example:8080\"}}}");
    assertThat(r.uris()).containsExactly("/a", "/b/*");
    assertThat(r.hosts()).containsExactly("x.example", "*.Example.com");
    assertThat(r.priority()).isEqualTo(-3);
    assertThat(RouteCodec.parse(RouteCodec.toBytes(r))).isEqualTo(r);
    assertThat(RouteCodec.toJson(r).getJsonObject("plugins").toString())
        .isEqualTo(
            "{\"proxy-rewrite\":{\"regex_uri\":[\"^/a(.*)\",\"/z$1\",\"^/b/\",\"/\"],"
                + "\"host\":\"up.example:8080\"}}");
  }

  @Test
  void oneUriOrHostIsWrittenInTheSingularAndPriorityZeroNotAtAll() {
    Route r =
        parse("{\"uris\": [\"/a\"], " + UP + ", \"hosts\": [\"h.example\"], \"priority\": 0}");
    assertThat(RouteCodec.toJson(r).toString())
        .isEqualTo("{\"uri\":\"/a\",\"upstream\":\"http://127.0.0.1:1\",\"host\":\"h.example\"}");
    Route plugins = parse("{\"uri\": \"/a\", " + UP + ", \"plugins\": {}}");
    assertThat(plugins.rewrite()).isEmpty();
  }

  @Test
  void uriAndUrisExcludeEachOtherAndUrisIsNotEmpty() {
    assertThat(problems("{\"uri\": \"/a\", \"uris\": [\"/b\"], " + UP + "}"))
        .containsExactly("uri and uris exclude each other: give one");
    assertThat(problems("{\"uris\": [], " + UP + "}"))
        .containsExactly("uris must be a non-empty array of strings");
    assertThat(problems("{" + UP + "}")).containsExactly("uri (or uris) is required");
    assertThat(problems("{\"uris\": [\"/a\", \"/a\"], " + UP + "}"))
        .containsExactly("uris: /a is given twice");
    assertThat(problems("{\"uris\": [\"/a\", \"b*\"], " + UP + "}"))
        .singleElement()
        .asString()
        .startsWith("uri must be a path");
  }

  @Test
  void aHostIsANameOrAWildcardOfLabelsOnTheLeft() {
    assertThat(parse("{\"uri\": \"/a\", " + UP + ", \"host\": \"*.example.com\"}").hosts())
        .containsExactly("*.example.com");
    for (String bad : List.of("*example.com", "a.*.com", "*.", "*", "**.a", "a:80")) {
      assertThat(problems("{\"uri\": \"/a\", " + UP + ", \"host\": \"" + bad + "\"}"))
          .as(bad)
          .singleElement()
          .asString()
          .startsWith("host must be a host name");
    }
    assertThat(problems("{\"uri\": \"/a\", " + UP + ", \"host\": \"a\", \"hosts\": [\"b\"]}"))
        .containsExactly("host and hosts exclude each other: give one");
    assertThat(problems("{\"uri\": \"/a\", " + UP + ", \"hosts\": [\"A.x\", \"a.X\"]}"))
        .containsExactly("hosts: a.X is given twice");
  }

  @Test
  void priorityIsAnInteger() {
    assertThat(problems("{\"uri\": \"/a\", " + UP + ", \"priority\": 1.5}"))
        .containsExactly("priority must be an integer from -2147483647 to 2147483647");
    assertThat(problems("{\"uri\": \"/a\", " + UP + ", \"priority\": \"1\"}")).hasSize(1);
    assertThat(problems("{\"uri\": \"/a\", " + UP + ", \"priority\": 3000000000}")).hasSize(1);
  }

  @Test
  void aBadRewriteIsRefusedWithItsReason() {
    assertThat(problems(rewrite("{\"regex_uri\": [\"^/api/(.*\", \"/$1\"]}")))
        .singleElement()
        .asString()
        .startsWith("plugins.proxy-rewrite.regex_uri: ^/api/(.* is not a regular expression");
    assertThat(problems(rewrite("{\"regex_uri\": [\"^/api/(.*)\", \"/$2\"]}")))
        .singleElement()
        .asString()
        .contains("$2 names a group the expression does not have (it has 1)");
    assertThat(problems(rewrite("{\"regex_uri\": [\"^/api/(.*)\", \"/$x\"]}")))
        .singleElement()
        .asString()
        .contains("is not $N, ${N} or $$");
    assertThat(problems(rewrite("{\"regex_uri\": [\"^/api/(.*)\"]}")))
        .singleElement()
        .asString()
        .contains("pairs of a regular expression and a template");
    assertThat(problems(rewrite("{\"regex_uri\": [\"^/api/(.*)\", \"/a b/$1\"]}")))
        .singleElement()
        .asString()
        .contains("only RFC 3986 path characters");
    assertThat(problems(rewrite("{\"uri\": \"/a\", \"regex_uri\": [\"^/api/\", \"/\"]}")))
        .containsExactly("plugins.proxy-rewrite: uri and regex_uri exclude each other: give one");
    for (String bad : List.of("a", "/a?b=1", "/$arg_x", "/a/../b", "/a/%2e%2E/b", "/%zz", "/a b")) {
      assertThat(problems(rewrite("{\"uri\": \"" + bad + "\"}")))
          .as(bad)
          .singleElement()
          .asString()
          .startsWith("plugins.proxy-rewrite.uri must be a path");
    }
    assertThat(problems(rewrite("{}"))).hasSize(1);
    assertThat(problems(rewrite("{\"method\": \"POST\"}")))
        .containsExactly(
            "plugins.proxy-rewrite: unknown field 'method' (known: uri, regex_uri, host)");
    assertThat(problems(rewrite("{\"host\": \"a b\"}")))
        .containsExactly(
            "plugins.proxy-rewrite.host must be a host name with an optional port: a b");
    assertThat(
            problems(
                "{\"uri\": \"/a\", " + UP + ", \"plugins\": {\"limit-count\": {\"count\": 1}}}"))
        .containsExactly("plugins: 'limit-count' is not supported (supported: proxy-rewrite)");
  }

  @Test
  void regexUriReplacesTheFirstMatchOfTheFirstPairThatMatches() {
    String strip = "{\"regex_uri\": [\"^/api/(.*)\", \"/$1\"]}";
    assertThat(rewritten(strip, "/api/v1/users")).isEqualTo("/v1/users");
    assertThat(rewritten(strip, "/api/")).isEqualTo("/");
    assertThat(rewritten(strip, "/other/x")).as("no match: as sent").isEqualTo("/other/x");
    assertThat(rewritten("{\"regex_uri\": [\"/v1/\", \"/v2/\"]}", "/api/v1/v1/x"))
        .as("only the first match is replaced, the rest of the path stays")
        .isEqualTo("/api/v2/v1/x");
    String pairs = "{\"regex_uri\": [\"^/api/a/(.*)\", \"/A/$1\", \"^/api/(.*)\", \"/B/$1\"]}";
    assertThat(rewritten(pairs, "/api/a/x")).isEqualTo("/A/x");
    assertThat(rewritten(pairs, "/api/b/x")).isEqualTo("/B/b/x");
    assertThat(rewritten("{\"regex_uri\": [\"^/api/(x)?(.*)\", \"/${1}0$$/$2$0\"]}", "/api/y"))
        .as("${N} ends a number, $$ is a dollar, a group that took no part is empty, $0 all")
        .isEqualTo("/0$/y/api/y");
    assertThat(rewritten("{\"uri\": \"/fixed\"}", "/api/anything")).isEqualTo("/fixed");
  }

  @Test
  void aRewriteOfTheHostAloneLeavesThePath() {
    ProxyRewrite rw = parse(rewrite("{\"host\": \"up.example\"}")).rewrite().orElseThrow();
    assertThat(rw.rewritesPath()).isFalse();
    assertThat(rw.host()).hasValue("up.example");
  }
}
