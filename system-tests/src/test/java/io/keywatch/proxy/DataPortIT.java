package io.keywatch.proxy;

import static io.keywatch.proxy.RoutingIT.putRoute;
import static io.keywatch.testing.Keywatch.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.testing.Keywatch;
import io.keywatch.testing.KeywatchTest;
import io.keywatch.testing.ListeningSockets;
import java.io.IOException;
import java.net.InetAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway's data port serves routes and nothing else: its health, metrics and OpenAPI are on a
 * status port of their own, on loopback; on the data port those paths are routed like any other,
 * and nothing the container says by itself (a redirect built from the client's Host, Payara's error
 * page) reaches a client. Raw sockets, so that no client normalises the request.
 */
@KeywatchTest
class DataPortIT {

  /** The paths the gateway used to answer itself, and what lies under them. */
  private static final List<String> STATUS_PATHS =
      List.of("/health", "/health/ready", "/health/live", "/metrics", "/metrics/base", "/openapi");

  static EchoUpstream echo;

  @BeforeAll
  static void upstream() {
    echo = new EchoUpstream("D");
  }

  @AfterAll
  static void stop() {
    echo.close();
  }

  @Test
  void withoutARouteTheStatusPathsAreNoRouteOnTheDataPort(Keywatch kw) throws IOException {
    for (String path : STATUS_PATHS) {
      RawClient.Answer answer = get(kw, path, Keywatch.uniqueId("nobody") + ".example");
      assertThat(answer.status()).as("%s: %s", path, answer.text()).isEqualTo(404);
      assertThat(answer.body()).as(path).isEqualTo("no route\n");
    }
  }

  @Test
  void routesOnTheStatusPathsAreServedByTheGateway(Keywatch kw) throws IOException {
    // a host of its own, so that these routes cannot change what another test sees
    String host = Keywatch.uniqueId("status-paths") + ".example";
    for (String uri : List.of("/health", "/health/*", "/metrics", "/metrics/*", "/openapi")) {
      putRoute(
          kw,
          Keywatch.uniqueId("status-path"),
          "{\"uri\": \""
              + uri
              + "\", \"upstream\": \""
              + echo.url()
              + "\", \"host\": \""
              + host
              + "\"}");
    }
    eventually().until(() -> get(kw, "/openapi", host).status() == 200);
    for (String path : STATUS_PATHS) {
      RawClient.Answer answer = get(kw, path, host);
      assertThat(answer.status()).as("%s: %s", path, answer.text()).isEqualTo(200);
      assertThat(answer.body()).as(path).isEqualTo("D GET " + path);
    }
  }

  @Test
  void folderLikePathsNeitherRedirectToTheClientsHostNorShowTheContainer(Keywatch kw)
      throws IOException {
    for (String path :
        List.of(
            "/WEB-INF",
            "/META-INF",
            "/WEB-INF/",
            "/META-INF/",
            "/WEB-INF/classes",
            "/WEB-INF/web.xml",
            "/META-INF/MANIFEST.MF",
            "/web-inf",
            "/",
            "/some/folder/")) {
      RawClient.Answer answer = get(kw, path, "evil.example");
      assertThat(answer.status()).as("%s: %s", path, answer.text()).isEqualTo(404);
      assertThat(answer.head()).as(path).doesNotContainIgnoringCase("Location:");
      assertThat(answer.text())
          .as(path)
          .doesNotContain("evil.example")
          .doesNotContainIgnoringCase("payara");
      assertThat(answer.body()).as(path).isEqualTo("no route\n");
    }
  }

  @Test
  void theStatusPortServesHealthMetricsAndOpenapi(Keywatch kw) {
    HttpResponse<String> ready =
        kw.send(HttpRequest.newBuilder(kw.proxyStatusUri().resolve("/health/ready")));
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("keywatch-routes");
    HttpResponse<String> metrics =
        kw.send(HttpRequest.newBuilder(kw.proxyStatusUri().resolve("/metrics")));
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("# TYPE");
    // Payara answers the document with 404 when no application declares JAX-RS resources, as here
    assertThat(kw.send(HttpRequest.newBuilder(kw.proxyStatusUri().resolve("/openapi"))).body())
        .startsWith("openapi: 3");
  }

  @Test
  void theStatusPortListensOnLoopbackOnlyAndTheDataPortEverywhere(Keywatch kw) {
    assertThat(ListeningSockets.boundTo(kw.proxyStatusUri().getPort()))
        .isNotEmpty()
        .allMatch(InetAddress::isLoopbackAddress);
    assertThat(ListeningSockets.boundTo(kw.proxyUri().getPort()))
        .isNotEmpty()
        .allMatch(InetAddress::isAnyLocalAddress);
  }

  private static RawClient.Answer get(Keywatch kw, String path, String host) throws IOException {
    return RawClient.exchange(
        kw.proxyUri(),
        "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
  }
}
