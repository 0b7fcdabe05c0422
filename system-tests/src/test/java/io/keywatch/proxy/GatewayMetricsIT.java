package io.keywatch.proxy;

import static io.keywatch.proxy.RoutingIT.putRoute;
import static io.keywatch.proxy.RoutingIT.route;
import static io.keywatch.testing.Keywatch.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.launcher.ServerRole;
import io.keywatch.testing.Keywatch;
import io.keywatch.testing.KeywatchTest;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway's Prometheus metrics, on its status port only: requests by route id and status code
 * (unrouted ones under {@code route="(none)"}), body bytes, upstream errors by kind and the
 * upstream's time, per route, gone with the route; and its access log, one line per request on
 * {@code keywatch.access} with the route, node, status, bytes and durations, no header value, and
 * none at all when {@code keywatch.proxy.access-log} is off.
 */
@KeywatchTest
class GatewayMetricsIT {

  static EchoUpstream echo;

  @BeforeAll
  static void upstream() {
    echo = new EchoUpstream("M");
  }

  @AfterAll
  static void stop() {
    echo.close();
  }

  @Test
  void requestsAreCountedByRouteAndStatusCodeOnTheStatusPort(Keywatch kw) throws IOException {
    String a = Keywatch.uniqueId("metrics-a");
    String b = Keywatch.uniqueId("metrics-b");
    putRoute(kw, a, route("/" + a + "/*", echo.url()));
    putRoute(kw, b, route("/" + b, "http://127.0.0.1:" + closedPort()));
    eventually().until(() -> kw.proxyGet("/" + b).statusCode() != 404);
    double unroutedBefore = value(kw, "keywatch_proxy_requests_total", "(none)", "code=\"404\"");

    for (int i = 0; i < 3; i++) {
      assertThat(kw.proxyGet("/" + a + "/x").statusCode()).isEqualTo(200);
    }
    assertThat(kw.proxyGet("/" + b).statusCode()).isEqualTo(502);
    assertThat(kw.proxyGet("/" + Keywatch.uniqueId("unrouted")).statusCode()).isEqualTo(404);

    assertThat(value(kw, "keywatch_proxy_requests_total", a, "code=\"200\"")).isEqualTo(3);
    // the eventually above sent b's first 502
    assertThat(value(kw, "keywatch_proxy_requests_total", b, "code=\"502\"")).isGreaterThan(1);
    assertThat(value(kw, "keywatch_proxy_requests_total", b, "code=\"200\"")).isNaN();
    assertThat(value(kw, "keywatch_proxy_requests_total", "(none)", "code=\"404\""))
        .isGreaterThanOrEqualTo(unroutedBefore + 1);
    String body = "M GET /" + a + "/x";
    assertThat(value(kw, "keywatch_proxy_response_bytes_total", a, ""))
        .isEqualTo(3 * body.length());
    assertThat(value(kw, "keywatch_proxy_upstream_seconds_count", a, "")).isEqualTo(3);
    assertThat(value(kw, "keywatch_proxy_upstream_errors_total", a, "kind=\"connect\"")).isZero();
    assertThat(value(kw, "keywatch_proxy_upstream_errors_total", b, "kind=\"connect\""))
        .isGreaterThan(1);
  }

  @Test
  void aDeletedRoutesMetricsLeaveWithIt(Keywatch kw) {
    String id = Keywatch.uniqueId("metrics-gone");
    putRoute(kw, id, route("/" + id, echo.url()));
    eventually().until(() -> kw.proxyGet("/" + id).statusCode() == 200);
    assertThat(value(kw, "keywatch_proxy_requests_total", id, "code=\"200\"")).isPositive();

    assertThat(kw.adminDelete("/routes/" + id).statusCode()).isEqualTo(200);
    eventually().until(() -> kw.proxyGet("/" + id).statusCode() == 404);
    eventually().until(() -> !metrics(kw).contains("route=\"" + id + "\""));
  }

  @Test
  void theDataPortDoesNotServeMetrics(Keywatch kw) {
    assertThat(kw.proxyGet("/metrics").body()).isEqualTo("no route\n");
    assertThat(kw.proxyGet("/metrics/application").body()).isEqualTo("no route\n");
  }

  @Test
  void eachRequestHasOneAccessLogLineWithoutHeaderValues(Keywatch kw) throws IOException {
    String id = Keywatch.uniqueId("logged");
    putRoute(kw, id, route("/" + id + "/*", echo.url()));
    eventually().until(() -> kw.proxyGet("/" + id + "/").statusCode() == 200);
    String secret = Keywatch.uniqueId("secret-key");
    String path = "/" + id + "/a%20b;v=1";
    RawClient.Answer answer =
        RawClient.exchange(
            kw.proxyUri(),
            "GET "
                + path
                + "?token=q HTTP/1.1\r\nHost: x\r\nX-API-KEY: "
                + secret
                + "\r\nConnection: close\r\n\r\n");
    assertThat(answer.status()).isEqualTo(200);
    String wanted = "route=" + id + " node=" + echo.url().substring("http://".length());
    eventually()
        .until(() -> accessLines(kw, wanted + " method=GET path=" + path + " ").size() == 1);
    String line = accessLines(kw, wanted + " method=GET path=" + path + " ").get(0);
    assertThat(line)
        .matches(
            ".*ACCESS route=\\S+ node=127\\.0\\.0\\.1:\\d+ method=GET path=\\S+ status=200"
                + " request_bytes=0 bytes="
                + answer.body().length()
                + " ms=\\d+\\.\\d{3} upstream_ms=\\d+\\.\\d{3} client=127\\.0\\.0\\.1.*");
    String log = Files.readString(kw.log(ServerRole.PROXY), StandardCharsets.ISO_8859_1);
    assertThat(log).doesNotContain(secret).doesNotContain("token=q");

    assertThat(kw.proxyGet("/" + Keywatch.uniqueId("nowhere")).statusCode()).isEqualTo(404);
    eventually()
        .until(() -> !accessLines(kw, "route=- node=- method=GET path=/nowhere-").isEmpty());
    assertThat(accessLines(kw, "route=- node=- method=GET path=/nowhere-").get(0))
        .contains("status=404", "upstream_ms=-");
  }

  @Test
  void switchedOffThereIsNoAccessLogButTheMetricsStayAndTakeHistogramBuckets() throws IOException {
    try (Keywatch quiet =
        Keywatch.startPrivate(
            "access-log-off",
            o ->
                o.env(ServerRole.PROXY, "KEYWATCH_PROXY_ACCESS_LOG", "false")
                    .env(
                        ServerRole.PROXY,
                        "MP_METRICS_DISTRIBUTION_TIMER_BUCKETS",
                        "keywatch_proxy_upstream=5ms,1s"))) {
      String id = Keywatch.uniqueId("quiet");
      putRoute(quiet, id, route("/" + id, echo.url()));
      eventually().until(() -> quiet.proxyGet("/" + id).statusCode() == 200);
      assertThat(quiet.proxyGet("/" + id).statusCode()).isEqualTo(200);

      assertThat(value(quiet, "keywatch_proxy_requests_total", id, "code=\"200\""))
          .isGreaterThanOrEqualTo(2);
      assertThat(metrics(quiet).lines())
          .filteredOn(l -> l.startsWith("keywatch_proxy_upstream_seconds_bucket{"))
          .filteredOn(l -> l.contains("route=\"" + id + "\""))
          .as("buckets 5ms, 1s and +Inf")
          .hasSize(3);
      assertThat(accessLines(quiet, "ACCESS ")).isEmpty();
    }
  }

  /** The lines of the gateway's log that are access log lines holding {@code part}. */
  private static List<String> accessLines(Keywatch kw, String part) throws IOException {
    return Files.readAllLines(kw.log(ServerRole.PROXY), StandardCharsets.ISO_8859_1).stream()
        .filter(l -> l.contains("ACCESS ") && l.contains(part))
        .toList();
  }

  /**
   * The value of a series of the route ({@code route="<id>"}, with {@code more} another label that
   * must be there too, or ""); NaN when the series is not exported.
   */
  private static double value(Keywatch kw, String name, String route, String more) {
    Matcher m =
        Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE)
            .matcher(metrics(kw));
    while (m.find()) {
      String labels = m.group(1);
      if (labels.contains("route=\"" + route + "\"") && labels.contains(more)) {
        return Double.parseDouble(m.group(2));
      }
    }
    return Double.NaN;
  }

  private static String metrics(Keywatch kw) {
    return kw.send(
            HttpRequest.newBuilder(kw.proxyStatusUri().resolve("/metrics"))
                .timeout(Duration.ofSeconds(30))
                .GET())
        .body();
  }

  /** A loopback port nothing listens on (free a moment ago): connecting to it is refused. */
  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
