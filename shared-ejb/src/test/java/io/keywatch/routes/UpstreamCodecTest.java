package io.keywatch.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class UpstreamCodecTest {

  static Upstream parse(String json) {
    return UpstreamCodec.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  static List<String> problems(String json) {
    try {
      parse(json);
    } catch (InvalidRouteException e) {
      return e.problems();
    }
    throw new AssertionError("accepted: " + json);
  }

  @Test
  void apisixsNodeMapAndArrayMeanTheSameAndDefaultsAreApisixs() {
    Upstream map =
        parse("{\"nodes\": {\"127.0.0.1:8080\": 5, \"[::1]:8081\": 1, \"b.example\": 2}}");
    Upstream array =
        parse(
            "{\"nodes\": [{\"host\": \"127.0.0.1\", \"port\": 8080, \"weight\": 5},"
                + " {\"host\": \"::1\", \"port\": 8081, \"weight\": 1},"
                + " {\"host\": \"b.example\", \"weight\": 2}]}");
    assertThat(map).isEqualTo(array);
    assertThat(map.nodes())
        .containsExactly(
            new Upstream.Node("127.0.0.1", 8080, 5),
            new Upstream.Node("::1", 8081, 1),
            new Upstream.Node("b.example", 80, 2));
    assertThat(map.type()).isEqualTo(Upstream.Type.ROUNDROBIN);
    assertThat(map.passHost()).isEqualTo(Upstream.PassHost.PASS);
    assertThat(map.tries()).as("retries default: nodes - 1").isEqualTo(3);
    assertThat(map.checks()).isEqualTo(Upstream.Checks.DEFAULT);
  }

  @Test
  void everyFieldSurvivesTheCanonicalForm() {
    Upstream u =
        parse(
            "{\"type\": \"chash\", \"hash_on\": \"header\", \"key\": \"X-User\", \"scheme\": \"https\","
                + " \"nodes\": {\"a.example\": 1}, \"retries\": 0,"
                + " \"timeout\": {\"connect\": 0.5, \"send\": 2, \"read\": 3},"
                + " \"pass_host\": \"rewrite\", \"upstream_host\": \"svc.example:8443\","
                + " \"checks\": {\"active\": {\"http_path\": \"/health\", \"healthy\": {\"interval\": 2,"
                + " \"successes\": 1}, \"unhealthy\": {\"tcp_failures\": 1}},"
                + " \"passive\": {\"unhealthy\": {\"http_statuses\": [502], \"http_failures\": 1}}}}");
    assertThat(u.nodes()).containsExactly(new Upstream.Node("a.example", 443, 1));
    assertThat(u.timeout().connect()).contains(Duration.ofMillis(500));
    assertThat(u.tries()).isEqualTo(1);
    Upstream.Active active = u.checks().active().orElseThrow();
    assertThat(active.healthy().interval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(active.unhealthy().tcpFailures()).isEqualTo(1);
    assertThat(active.unhealthy().timeouts()).as("APISIX's default").isEqualTo(3);
    assertThat(u.checks().passive().unhealthy().httpStatuses()).containsExactly(502);
    assertThat(parse(UpstreamCodec.toJson(u).toString())).isEqualTo(u);
  }

  @Test
  void tlsVerifyIsOnUnlessTheUpstreamTurnsItOffAndSurvivesTheCanonicalForm() {
    assertThat(parse("{\"nodes\": {\"a.example:443\": 1}, \"scheme\": \"https\"}").verifyTls())
        .isTrue();
    Upstream off =
        parse(
            "{\"nodes\": {\"a.example:443\": 1}, \"scheme\": \"https\","
                + " \"tls\": {\"verify\": false}}");
    assertThat(off.verifyTls()).isFalse();
    assertThat(UpstreamCodec.toJson(off).toString()).contains("\"tls\":{\"verify\":false}");
    assertThat(parse(UpstreamCodec.toJson(off).toString())).isEqualTo(off);
    assertThat(problems("{\"nodes\": {\"a.example:443\": 1}, \"tls\": {\"verify\": \"no\"}}"))
        .containsExactly("tls must be an object {\"verify\": true or false}");
  }

  @Test
  void everyProblemIsNamedWithItsPath() {
    assertThat(
            problems(
                "{\"nodes\": {\"127.0.0.1:99999\": 1, \"a b:80\": 1, \"c:80\": -1},"
                    + " \"type\": \"random\", \"pass_host\": \"rewrite\", \"retries\": -1,"
                    + " \"timeout\": {\"connect\": 0}, \"hash_on\": \"vars\", \"colour\": 1,"
                    + " \"checks\": {\"active\": {\"http_path\": \"health\", \"healthy\": {\"successes\": 0}}}}"))
        .containsExactlyInAnyOrder(
            "unknown field 'colour' (known: [checks, hash_on, key, nodes, pass_host, retries, scheme,"
                + " timeout, tls, type, upstream_host])",
            "nodes.127.0.0.1:99999: port must be from 1 to 65535",
            "nodes.a b:80: host must be a host name or an IP address: a b",
            "nodes.c:80 must be a weight from 0 to 1000000",
            "type must be one of [roundrobin, chash, least_conn]: random",
            "hash_on and key are only for type chash",
            "retries must be an integer from 0 to 100",
            "timeout.connect must be a number of seconds from 0.001 to 3600",
            "upstream_host is required with pass_host rewrite",
            "checks.active.http_path must be a path starting with '/': health",
            "checks.active.healthy.successes must be an integer from 1 to 254");
    assertThat(problems("{}")).containsExactly("nodes is required");
    assertThat(problems("{\"nodes\": {}, \"type\": \"chash\", \"hash_on\": \"cookie\"}"))
        .containsExactly("key (the header or cookie name) is required with hash_on cookie");
    assertThat(problems("[1]")).containsExactly("an upstream must be a JSON object");
  }

  @Test
  void aRouteTakesAnUpstreamObjectOrAnIdButNotBoth() {
    Route inline =
        RouteCodec.parse(
            "{\"uri\": \"/a\", \"upstream\": {\"nodes\": {\"127.0.0.1:1\": 1}}}"
                .getBytes(StandardCharsets.UTF_8));
    assertThat(inline.upstream()).isInstanceOf(UpstreamRef.Inline.class);
    Route byId =
        RouteCodec.parse("{\"uri\": \"/a\", \"upstream_id\": 1}".getBytes(StandardCharsets.UTF_8));
    assertThat(byId.upstream()).isEqualTo(new UpstreamRef.Id("1"));
    assertThat(RouteCodec.toJson(byId).toString())
        .isEqualTo("{\"uri\":\"/a\",\"upstream_id\":\"1\"}");
    assertThatThrownBy(
            () ->
                RouteCodec.parse(
                    "{\"uri\": \"/a\", \"upstream_id\": \"u\", \"upstream\": \"http://a\"}"
                        .getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidRouteException.class)
        .hasMessageContaining("upstream and upstream_id exclude each other");
    assertThatThrownBy(
            () ->
                RouteCodec.parse(
                    "{\"uri\": \"/a\", \"upstream\": {\"nodes\": {}, \"type\": \"x\"}}"
                        .getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidRouteException.class)
        .hasMessageContaining("upstream.type must be one of");
  }
}
