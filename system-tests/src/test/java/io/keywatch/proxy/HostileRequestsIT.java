package io.keywatch.proxy;

import static io.keywatch.proxy.ForwardingIT.routeTo;
import static io.keywatch.proxy.RoutingIT.putRoute;
import static io.keywatch.testing.Keywatch.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.launcher.ServerRole;
import io.keywatch.testing.Keywatch;
import io.keywatch.testing.KeywatchTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requests as an attacker writes them, byte by byte, against a route to an upstream that keeps
 * every byte it receives: what the gateway refuses must never reach the upstream, not even in part,
 * and nothing hidden behind a request may reach it as a request of its own.
 */
@KeywatchTest
class HostileRequestsIT {

  static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

  RawUpstream up;
  String base;

  @BeforeEach
  void route(Keywatch kw) {
    up = new RawUpstream(RawUpstream.replying(OK));
    base = routeTo(kw, up.url(), "");
    up.clearWire();
  }

  @AfterEach
  void stop() throws IOException {
    up.close();
  }

  /**
   * What the upstream received, once a request sent after the attack has arrived: an attack
   * forwarded in the background would have reached it first, on the pooled connection.
   */
  String wireAfterProbe(Keywatch kw) {
    assertThat(kw.proxyGet(base + "/probe").body()).isEqualTo("ok");
    String wire = up.wire();
    int probe = wire.indexOf("GET " + base + "/probe ");
    assertThat(probe).as("the probe arrived: %s", wire).isGreaterThanOrEqualTo(0);
    return wire.substring(0, probe) + wire.substring(wire.indexOf("\r\n\r\n", probe) + 4);
  }

  @Test
  void aMethodWithControlBytesSplitsNothingUpstream(Keywatch kw) throws IOException {
    // Grizzly reads the method up to the first space: across the CR/LF, up to "GET" of the second
    // line
    RawClient.Answer answer =
        RawClient.exchange(
            kw.proxyUri(),
            "GET\u000b/X\u000bHTTP/1.1\r\nHost:x\r\n\r\n"
                + "GET "
                + base
                + "/slow HTTP/1.1\r\nHost: a\r\n\r\n");

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.body()).isEqualTo("method is not a token\n");
    assertThat(answer.responses()).isEqualTo(1);
    assertThat(wireAfterProbe(kw)).as("bytes the upstream got besides the probe").isEmpty();
  }

  @Test
  void controlBytesAnywhereInTheHeadAre400AndReachNoUpstream(Keywatch kw) throws IOException {
    List<String> heads =
        List.of(
            "GET " + base + "/a\u0001b HTTP/1.1\r\nHost: x\r\n",
            "GET " + base + "/caf\u00e9 HTTP/1.1\r\nHost: x\r\n",
            "GET " + base + "/a?q=\u007f HTTP/1.1\r\nHost: x\r\n",
            "GET " + base + "/a HTTP/1.1\r\nHost: x\r\nX-Value: a\rGET /other HTTP/1.1\r\n",
            "GET " + base + "/a HTTP/1.1\r\nHost: x\r\nX-Value: a\u0000b\r\n",
            "GET " + base + "/a HTTP/1.1\r\nHost: x\r\nX(Name): a\r\n",
            "GET " + base + "/a HTTP/1.1\r\nHost: a\r\nHost: b\r\n");
    for (String head : heads) {
      RawClient.Answer answer =
          RawClient.exchange(kw.proxyUri(), head + "Connection: close\r\n\r\n");
      assertThat(answer.status()).as("answer to %s", head).isEqualTo(400);
    }
    assertThat(wireAfterProbe(kw)).as("bytes the upstream got besides the probe").isEmpty();
  }

  @Test
  void anH2cPathWithCrLfSplitsNothingUpstream(Keywatch kw) throws IOException {
    H2cClient.Answer fine = H2cClient.get(kw.proxyUri(), "a", base + "/h2");
    assertThat(fine.status())
        .as("h2c with prior knowledge is served: %s", fine.frames())
        .isEqualTo(200);
    assertThat(up.wire()).contains("GET " + base + "/h2 HTTP/1.1\r\n");
    up.clearWire();

    H2cClient.Answer split =
        H2cClient.get(kw.proxyUri(), "a", base + "/x HTTP/1.1\r\nHost: x\r\n\r\nDELETE /other");

    assertThat(split.status()).as("frames: %s", split.frames()).isEqualTo(400);
    assertThat(wireAfterProbe(kw)).as("bytes the upstream got besides the probe").isEmpty();
  }

  /**
   * Each of these ends a request on a connection that is closed after it: what follows is hidden.
   */
  @Test
  void nothingHiddenAfterARequestThatClosesItsConnectionReachesTheUpstream(Keywatch kw)
      throws IOException {
    String hidden = "GET " + base + "/hidden HTTP/1.1\r\nHost: x\r\nX-Api-Key: injected\r\n\r\n";
    record Front(String request, int status) {}
    List<Front> fronts =
        List.of(
            new Front(
                "POST "
                    + base
                    + "/chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                200),
            new Front(
                "POST "
                    + base
                    + "/http10 HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                400),
            new Front(
                "POST "
                    + base
                    + "/unknown HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n",
                501),
            new Front(
                "POST "
                    + base
                    + "/list HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
                501),
            new Front(
                "POST "
                    + base
                    + "/two HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                    + "Transfer-Encoding: identity\r\n\r\n0\r\n\r\n",
                501));
    for (Front front : fronts) {
      RawClient.Answer answer = RawClient.exchange(kw.proxyUri(), front.request() + hidden);
      assertThat(answer.status()).as("answer to %s", front.request()).isEqualTo(front.status());
      assertThat(answer.head()).as("answer to %s", front.request()).contains("Connection: close");
      assertThat(answer.responses()).isEqualTo(1);
    }
    String wire = wireAfterProbe(kw);
    assertThat(wire).doesNotContainIgnoringCase("injected").doesNotContain("/hidden");
    assertThat(wire)
        .as("only the chunked request is forwarded")
        .contains("POST " + base + "/chunked ")
        .doesNotContain("/http10")
        .doesNotContain("/unknown")
        .doesNotContain("/list")
        .doesNotContain("/two");
  }

  /** Payara parses Host before any filter: these failed inside it (SEVERE, an empty 200). */
  @Test
  void aMalformedOrRepeatedHostIs400WithoutASevereLog(Keywatch kw) throws IOException {
    long logBefore = Files.size(kw.log(ServerRole.PROXY));
    for (String host : List.of("Host: a: 80", "Host:", "Host: a x: y", "Host: a\r\nHost: b")) {
      RawClient.Answer answer =
          RawClient.exchange(
              kw.proxyUri(),
              "GET " + base + "/h HTTP/1.1\r\n" + host + "\r\nConnection: close\r\n\r\n");
      assertThat(answer.status()).as("answer to %s", host).isEqualTo(400);
      assertThat(answer.body())
          .as("answer to %s", host)
          .isEqualTo("malformed or repeated Host header\n");
    }
    assertThat(wireAfterProbe(kw)).as("bytes the upstream got besides the probe").isEmpty();
    assertThat(logSince(kw, logBefore)).doesNotContain("SEVERE");
  }

  @Test
  void aHostWithATrailingDotMatchesLikeWithout(Keywatch kw) {
    String id = Keywatch.uniqueId("dot");
    putRoute(
        kw,
        id,
        "{\"uri\": \"/"
            + id
            + "\", \"upstream\": \""
            + up.url()
            + "\", \"host\": \"named.example\"}");
    String request =
        "GET /"
            + id
            + " HTTP/1.1\r\nHost: named.example.:"
            + kw.proxyUri().getPort()
            + "\r\nConnection: close\r\n\r\n";
    eventually()
        .untilAsserted(
            () -> assertThat(RawClient.exchange(kw.proxyUri(), request).body()).isEqualTo("ok"));
  }

  static String logSince(Keywatch kw, long offset) throws IOException {
    String log = Files.readString(kw.log(ServerRole.PROXY), StandardCharsets.ISO_8859_1);
    return log.substring((int) Math.min(offset, log.length()));
  }

  @Test
  void aLongTargetIs414AndLargeHeadersAre431WithoutASevereLog(Keywatch kw) throws IOException {
    long logBefore = Files.size(kw.log(ServerRole.PROXY));
    RawClient.Answer longTarget =
        RawClient.exchange(
            kw.proxyUri(),
            "GET "
                + base
                + "/"
                + "a".repeat(9000)
                + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(longTarget.status()).isEqualTo(414);
    RawClient.Answer largeHeaders =
        RawClient.exchange(
            kw.proxyUri(),
            "GET "
                + base
                + "/h HTTP/1.1\r\nHost: x\r\n"
                + "X-Big: "
                + "a".repeat(20_000)
                + "\r\nX-Bigger: "
                + "b".repeat(20_000)
                + "\r\nConnection: close\r\n\r\n");
    assertThat(largeHeaders.status()).isEqualTo(431);

    assertThat(wireAfterProbe(kw)).as("bytes the upstream got besides the probe").isEmpty();
    assertThat(logSince(kw, logBefore)).doesNotContain("SEVERE");
  }

  @Test
  void encodedTraversalIs400AndReachesNoUpstream(Keywatch kw) throws IOException {
    for (String path :
        List.of("/..%2fadmin", "/%2e%2e%2fadmin", "/..;/admin", "/.%2E/admin", "/..%5cadmin")) {
      RawClient.Answer answer =
          RawClient.exchange(
              kw.proxyUri(),
              "GET " + base + path + " HTTP/1.1\r\nHost: x\r\n" + "Connection: close\r\n\r\n");
      assertThat(answer.status())
          .as("answer to %s", path)
          .isEqualTo(400); // the gateway's, or the container's
    }
    assertThat(wireAfterProbe(kw)).as("bytes the upstream got besides the probe").isEmpty();
  }

  @Test
  void pathParametersArriveAsSentOrTheRequestIsRefused(Keywatch kw) throws IOException {
    RawClient.Answer params =
        RawClient.exchange(
            kw.proxyUri(),
            "GET "
                + base
                + "/a;v=1;JSESSIONID=x/b%2Fc?q=1 HTTP/1.1\r\n"
                + "Host: x\r\nConnection: close\r\n\r\n");
    assertThat(params.body()).isEqualTo("ok");
    assertThat(up.wire()).startsWith("GET " + base + "/a;v=1;JSESSIONID=x/b%2Fc?q=1 HTTP/1.1\r\n");
    up.clearWire();

    // the container cuts this one out of the path before the gateway sees it: refused, not altered
    RawClient.Answer session =
        RawClient.exchange(
            kw.proxyUri(),
            "GET "
                + base
                + "/a;jsessionid=abc;x=1/b HTTP/1.1\r\n"
                + "Host: x\r\nConnection: close\r\n\r\n");
    assertThat(session.status()).isEqualTo(400);
    assertThat(session.body()).isEqualTo("a ;jsessionid= path parameter cannot be forwarded\n");
    assertThat(wireAfterProbe(kw)).doesNotContain("/b ").doesNotContain(";x=1");
  }

  /**
   * Payara reads its own tracing headers before any filter, and logs a stack trace for each one it
   * cannot parse: an anonymous client must not be able to write kilobytes of log per request.
   */
  @Test
  void payaraTracingHeadersLogNoWarning(Keywatch kw) throws IOException {
    long logBefore = Files.size(kw.log(ServerRole.PROXY));
    for (String headers :
        List.of(
            "Payara-Tracing-TraceId: not-a-uuid\r\n",
            "Payara-Tracing-TraceId: 3f2504e0-4f89-11d3-9a0c-0305e82c3301\r\n",
            "Payara-Tracing-TraceId: 3f2504e0-4f89-11d3-9a0c-0305e82c3301\r\n"
                + "Payara-Tracing-ParentId: x\r\nPayara-Tracing-RelationshipType: y\r\n")) {
      RawClient.Answer answer =
          RawClient.exchange(
              kw.proxyUri(),
              "GET " + base + "/t HTTP/1.1\r\nHost: x\r\n" + headers + "Connection: close\r\n\r\n");
      assertThat(answer.body()).as("answer to %s", headers).isEqualTo("ok");
    }
    assertThat(logSince(kw, logBefore))
        .doesNotContain("NCLS-CORE-00099")
        .doesNotContain("NCLS-CORE-00100");
  }

  /** Not an attack, the control: an ordinary request still arrives whole. */
  @Test
  void anOrdinaryRequestArrivesAsSent(Keywatch kw) {
    assertThat(kw.send(kw.proxyRequest(base + "/plain?x=1%20").header("X-Tab", "a\tb")).body())
        .isEqualTo("ok");
    assertThat(up.wire())
        .startsWith("GET " + base + "/plain?x=1%20 HTTP/1.1\r\n")
        .containsIgnoringCase("X-Tab: a\tb\r\n");
  }
}
