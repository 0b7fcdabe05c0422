package io.keywatch.proxy;

import static io.keywatch.proxy.RoutingIT.putRoute;
import static io.keywatch.testing.Keywatch.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywatch.testing.Keywatch;
import io.keywatch.testing.KeywatchTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What reaches the upstream and what comes back, with real upstreams on loopback, some misbehaving.
 */
@KeywatchTest
class ForwardingIT {

  static EchoUpstream echo;

  @BeforeAll
  static void upstream() {
    echo = new EchoUpstream("E");
  }

  @AfterAll
  static void stop() {
    echo.close();
  }

  /**
   * Routes {@code /<unique>/*} to the upstream and waits until the proxy follows; returns the base
   * path.
   */
  static String routeTo(Keywatch kw, String upstream, String extraJson) {
    String id = Keywatch.uniqueId("fwd");
    String base = "/" + id;
    putRoute(
        kw,
        id,
        "{\"uri\": \"" + base + "/*\", \"upstream\": \"" + upstream + "\"" + extraJson + "}");
    eventually().until(() -> routed(kw, base + "/"));
    return base;
  }

  /**
   * Whether the proxy forwards the path: anything but its 404, a failure of a broken upstream too.
   */
  static boolean routed(Keywatch kw, String path) {
    try {
      return kw.proxyGet(path).statusCode() != 404;
    } catch (UncheckedIOException brokenUpstream) {
      return true;
    }
  }

  @Test
  void methodPathQueryAndBodyArriveUnderTheUpstreamsPath(Keywatch kw) throws InterruptedException {
    String base = routeTo(kw, echo.url() + "/prefix", "");
    echo.received.clear();
    HttpResponse<String> r =
        kw.send(
            kw.proxyRequest(base + "/items/a%20b?x=1&y=%2F")
                .header("X-Kept", "yes")
                .PUT(HttpRequest.BodyPublishers.ofString("hello body")));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("E PUT /prefix" + base + "/items/a%20b?x=1&y=%2F");
    EchoUpstream.Received got = echo.received.poll(5, TimeUnit.SECONDS);
    assertThat(got.method()).isEqualTo("PUT");
    assertThat(new String(got.body())).isEqualTo("hello body");
    assertThat(got.header("X-kept")).isEqualTo("yes");
    assertThat(got.header("X-forwarded-for")).isEqualTo("127.0.0.1");
    assertThat(got.header("X-forwarded-proto")).isEqualTo("http");
    assertThat(got.header("X-forwarded-host")).isEqualTo("localhost:" + kw.proxyUri().getPort());
    assertThat(got.header("Host")).isEqualTo(echo.url().substring("http://".length()));
  }

  @Test
  void hopByHopHeadersAreDroppedBothWaysAndAnUntrustedForwardedForIsReplaced(Keywatch kw)
      throws IOException {
    try (RawUpstream up =
        new RawUpstream(
            RawUpstream.replying(
                "HTTP/1.1 200 OK\r\n"
                    + "Connection: X-Upstream-Hop\r\nX-Upstream-Hop: 1\r\nKeep-Alive: timeout=5\r\nProxy-Thing: 1\r\n"
                    + "Trailer: X-T\r\nUpgrade: h2c\r\nX-Upstream-Kept: yes\r\nContent-Length: 2\r\n\r\nok"))) {
      String base = routeTo(kw, up.url(), "");
      up.heads.clear();
      RawClient.Answer answer =
          RawClient.exchange(
              kw.proxyUri(),
              "GET "
                  + base
                  + "/h HTTP/1.1\r\n"
                  + "Host: gateway.example\r\nConnection: close, X-Client-Hop\r\nX-Client-Hop: 1\r\nKeep-Alive: 300\r\n"
                  + "Proxy-Authorization: Basic eDp5\r\nTE: trailers\r\nUpgrade: websocket\r\n"
                  + "X-Forwarded-For: 10.1.2.3\r\nX-Client-Kept: yes\r\n\r\n");

      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.body()).isEqualTo("ok");
      assertThat(answer.head())
          .contains("X-Upstream-Kept: yes")
          .doesNotContainIgnoringCase("X-Upstream-Hop")
          .doesNotContainIgnoringCase("Keep-Alive")
          .doesNotContainIgnoringCase("Proxy-Thing")
          .doesNotContainIgnoringCase("Trailer:")
          .doesNotContainIgnoringCase("Upgrade")
          .as("nothing the upstream did not send")
          .doesNotContainIgnoringCase("X-Frame-Options")
          .doesNotContainIgnoringCase("Server:");
      String sent = up.heads.get(0).toLowerCase();
      assertThat(sent)
          .contains("x-client-kept: yes")
          .contains("x-forwarded-for: 127.0.0.1\r\n") // see ForwardedHeadersIT
          .contains("x-forwarded-host: gateway.example")
          .contains("x-forwarded-proto: http")
          .doesNotContain("x-client-hop")
          .doesNotContain("keep-alive")
          .doesNotContain("proxy-authorization")
          .doesNotContain("\r\nte:")
          .doesNotContain("upgrade")
          .doesNotContain("connection:")
          .as("nothing the client did not send")
          .doesNotContain("accept-encoding")
          .doesNotContain("user-agent")
          .doesNotContain("content-type");
    }
  }

  @Test
  void upstreamConnectionsAreKeptAlive(Keywatch kw) throws IOException {
    try (RawUpstream up =
        new RawUpstream(RawUpstream.replying("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))) {
      String base = routeTo(kw, up.url(), "");
      int before = up.connections.get();
      for (int i = 0; i < 20; i++) {
        assertThat(kw.proxyGet(base + "/k" + i).body()).isEqualTo("ok");
      }
      assertThat(up.connections.get() - before)
          .as("connections opened for 20 sequential requests")
          .isLessThanOrEqualTo(2);
    }
  }

  @Test
  void aRefusedUpstreamIs502(Keywatch kw) throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    String base = routeTo(kw, "http://127.0.0.1:" + closedPort, "");
    HttpResponse<String> r = kw.proxyGet(base + "/x");
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.body()).contains("upstream unreachable");
  }

  @Test
  void anUpstreamThatResetsBeforeAnsweringIs502(Keywatch kw) throws IOException {
    try (RawUpstream up = new RawUpstream((head, socket, u) -> RawUpstream.reset(socket))) {
      String base = routeTo(kw, up.url(), "");
      HttpResponse<String> r = kw.proxyGet(base + "/x");
      assertThat(r.statusCode()).isEqualTo(502);
      assertThat(r.body()).contains("upstream");
    }
  }

  @Test
  void anInvalidUpstreamResponseIs502(Keywatch kw) throws IOException {
    try (RawUpstream up =
        new RawUpstream(RawUpstream.replyingThenReset("SSH-2.0-OpenSSH\r\n\r\n"))) {
      String base = routeTo(kw, up.url(), "");
      HttpResponse<String> r = kw.proxyGet(base + "/x");
      assertThat(r.statusCode()).isEqualTo(502);
      assertThat(r.body()).isEqualTo("upstream sent an invalid response\n");
    }
  }

  @Test
  void aSilentUpstreamIs504AfterTheRoutesTimeout(Keywatch kw) throws IOException {
    try (RawUpstream up = new RawUpstream(RawUpstream.silent())) {
      String base = routeTo(kw, up.url(), ", \"timeout\": 0.5");
      HttpResponse<String> r = kw.proxyGet(base + "/x");
      assertThat(r.statusCode()).isEqualTo(504);
      assertThat(r.body()).isEqualTo("upstream timed out\n");
    }
  }

  @Test
  void anUpstreamThatResetsMidBodyCutsTheClientAndNoOneElse(Keywatch kw) throws IOException {
    String partial = "x".repeat(5000);
    try (RawUpstream withLength =
            new RawUpstream(
                RawUpstream.replyingThenReset(
                    "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + partial));
        RawUpstream chunked =
            new RawUpstream(
                RawUpstream.replyingThenReset(
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1388\r\n"
                        + partial
                        + "\r\n"))) {
      String lengthBase = routeTo(kw, withLength.url(), "");
      String chunkedBase = routeTo(kw, chunked.url(), "");
      String echoBase = routeTo(kw, echo.url(), "");

      assertThatThrownBy(() -> kw.proxyGet(lengthBase + "/x"))
          .isInstanceOf(UncheckedIOException.class);
      assertThatThrownBy(() -> kw.proxyGet(chunkedBase + "/x"))
          .as("a chunked body must not end cleanly when the upstream failed")
          .isInstanceOf(UncheckedIOException.class);
      for (int i = 0; i < 5; i++) {
        assertThat(kw.proxyGet(echoBase + "/after" + i).body())
            .isEqualTo("E GET " + echoBase + "/after" + i);
      }
    }
  }

  /**
   * The classic CL.TE smuggling request. The container frames it by its chunks alone (RFC 9112
   * section 6.3) and hides the Content-Length, so it cannot be refused; what matters is that the
   * upstream never sees the client's framing, so proxy and upstream cannot disagree on where a
   * request ends, that the client's connection is closed after the answer, and that the bytes
   * hidden after the body, which Grizzly still parses as a next request, are never forwarded.
   */
  @Test
  void contentLengthWithTransferEncodingIsFramedByTheChunksAlone(Keywatch kw) throws IOException {
    try (RawUpstream up =
        new RawUpstream(RawUpstream.replying("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))) {
      String base = routeTo(kw, up.url(), "");
      up.heads.clear();
      String hidden = "GET " + base + "/hidden HTTP/1.1\r\nHost: x\r\n\r\n";
      RawClient.Answer answer =
          RawClient.exchange(
              kw.proxyUri(),
              "POST "
                  + base
                  + "/front HTTP/1.1\r\nHost: x\r\n"
                  + "Content-Length: "
                  + (5 + hidden.length())
                  + "\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                  + hidden);

      assertThat(answer.responses()).as("one answer, then the connection is closed").isEqualTo(1);
      assertThat(answer.body()).isEqualTo("ok");
      String clientsLength = "content-length: " + (5 + hidden.length());
      String front = up.heads.get(0).toLowerCase();
      assertThat(front)
          .startsWith("post " + base.toLowerCase() + "/front ")
          .doesNotContain(clientsLength);
      assertThat(
              front.contains("transfer-encoding: chunked") || front.contains("content-length: 0"))
          .as("framed by the (empty) body the proxy read: %s", front)
          .isTrue();
      assertThat(up.heads)
          .allSatisfy(h -> assertThat(h.toLowerCase()).doesNotContain(clientsLength));
      assertThat(kw.proxyGet(base + "/after").body()).isEqualTo("ok");
      assertThat(up.heads).noneMatch(h -> h.contains("/hidden"));
    }
  }

  @Test
  void twoDifferentContentLengthsAre400(Keywatch kw) throws IOException {
    String base = routeTo(kw, echo.url(), "");
    RawClient.Answer answer =
        RawClient.exchange(
            kw.proxyUri(),
            "POST "
                + base
                + "/x HTTP/1.1\r\nHost: x\r\n"
                + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!");
    assertThat(answer.status()).isEqualTo(400);
  }

  @Test
  void oversizedHeadersAre400AndTheNextClientIsServed(Keywatch kw) throws IOException {
    String base = routeTo(kw, echo.url(), "");
    RawClient.Answer answer =
        RawClient.exchange(
            kw.proxyUri(),
            "GET "
                + base
                + "/x HTTP/1.1\r\nHost: x\r\n"
                + "X-Big: "
                + "a".repeat(70_000)
                + "\r\n\r\n");
    assertThat(answer.status()).isEqualTo(400);
    assertThat(kw.proxyGet(base + "/y").body()).isEqualTo("E GET " + base + "/y");
  }

  @Test
  void aPathWithDotSegmentsIs400(Keywatch kw) throws IOException {
    String base = routeTo(kw, echo.url(), "");
    RawClient.Answer answer =
        RawClient.exchange(
            kw.proxyUri(),
            "GET " + base + "/../admin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.body()).isEqualTo("path with . or .. segments\n");
  }
}
