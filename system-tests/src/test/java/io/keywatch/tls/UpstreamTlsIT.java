package io.keywatch.tls;

import static io.keywatch.testing.Keywatch.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.launcher.ServerRole;
import io.keywatch.testing.Keywatch;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Routes to https upstreams on loopback whose certificates come from a private CA made here: the
 * gateway trusts only the CAs of {@code keywatch.proxy.trust-store} (a PEM bundle), checks that the
 * certificate names the upstream's host, sends that host as SNI, and says which certificate problem
 * made an answer 502; {@code "tls": {"verify": false}} skips both checks for one route, or, on an
 * upstream object, for every route that uses it and for its active probes.
 */
class UpstreamTlsIT {

  private static final Pattern CONTENT_LENGTH =
      Pattern.compile("(?im)^Content-Length:\\s*(\\d+)\\s*$");

  static Keywatch kw;
  static TestCa trusted = new TestCa("Keywatch Test Trusted CA");
  static TestCa stranger = new TestCa("Keywatch Test Unknown CA");
  static HttpsUpstream good;
  static HttpsUpstream untrusted;
  static HttpsUpstream misnamed;

  @BeforeAll
  static void start() throws IOException {
    good = new HttpsUpstream("GOOD", trusted.issue("localhost"));
    untrusted = new HttpsUpstream("UNTRUSTED", stranger.issue("localhost"));
    misnamed = new HttpsUpstream("MISNAMED", trusted.issue("other.example"));
    // in this run's folder, which the next run deletes, not in /tmp, where it would stay
    Path bundle = Files.createDirectories(Keywatch.runDir()).resolve("upstream-cas.pem");
    Files.writeString(bundle, trusted.certificatePem(), StandardCharsets.US_ASCII);
    kw =
        Keywatch.startPrivate(
            "upstream-tls",
            o -> o.env(ServerRole.PROXY, "KEYWATCH_PROXY_TRUST_STORE", bundle.toString()));
  }

  @AfterAll
  static void stop() {
    if (kw != null) {
      kw.close();
    }
    good.close();
    untrusted.close();
    misnamed.close();
  }

  /** Routes {@code /<id>/*} to the upstream and waits until the gateway has the route. */
  static String route(HttpsUpstream upstream, String extraJson) {
    String id = Keywatch.uniqueId("tls");
    String json =
        "{\"uri\": \"/"
            + id
            + "/*\", \"upstream\": \"https://localhost:"
            + upstream.port()
            + "\""
            + extraJson
            + "}";
    assertThat(kw.adminPut("/routes/" + id, json).statusCode()).isEqualTo(201);
    eventually().until(() -> kw.proxyGet("/" + id + "/").statusCode() != 404);
    return "/" + id;
  }

  @Test
  void anUpstreamWithACertificateFromTheTrustStoreIsReachedWithItsHostAsSni() {
    String base = route(good, "");
    HttpResponse<String> r = kw.proxyGet(base + "/x");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("GOOD " + base + "/x");
    assertThat(good.serverNames).as("server names sent in handshakes").containsOnly("localhost");
  }

  @Test
  void aCertificateFromAnUnknownCaIs502NamingTheProblemInBodyAndLog() throws IOException {
    String base = route(untrusted, "");
    HttpResponse<String> r = kw.proxyGet(base + "/x");
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.body())
        .isEqualTo(
            "upstream certificate problem: not trusted (it does not lead to a trusted CA)\n");
    eventually()
        .until(
            () ->
                Files.readString(kw.log(ServerRole.PROXY), StandardCharsets.ISO_8859_1)
                    .contains("answered 502 (upstream certificate problem: not trusted"));
  }

  @Test
  void aCertificateForAnotherHostIs502() {
    String base = route(misnamed, "");
    HttpResponse<String> r = kw.proxyGet(base + "/x");
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.body())
        .isEqualTo("upstream certificate problem: it does not name the upstream's host\n");
  }

  @Test
  void verifyFalseReachesAnUpstreamWhoseCertificateWouldFailBothChecks() {
    String base = route(untrusted, ", \"tls\": {\"verify\": false}");
    HttpResponse<String> r = kw.proxyGet(base + "/x");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("UNTRUSTED " + base + "/x");
    assertThat(untrusted.serverNames)
        .as("server names sent in handshakes")
        .containsOnly("localhost");

    String misnamedBase = route(misnamed, ", \"tls\": {\"verify\": false}");
    assertThat(kw.proxyGet(misnamedBase + "/x").statusCode()).isEqualTo(200);
  }

  @Test
  void verifyFalseOnAStoredOrInlineUpstreamObjectReachesAnUntrustedUpstream() {
    String upstream =
        "{\"scheme\": \"https\", \"nodes\": {\"localhost:"
            + untrusted.port()
            + "\": 1}, \"tls\": {\"verify\": false}}";
    String upstreamId = Keywatch.uniqueId("tls-up");
    assertThat(kw.adminPut("/upstreams/" + upstreamId, upstream).statusCode()).isEqualTo(201);
    assertThat(Keywatch.json(kw.adminGet("/upstreams/" + upstreamId)).toString())
        .contains("\"tls\":{\"verify\":false}");
    String byId = Keywatch.uniqueId("tls-by-id");
    assertThat(
            kw.adminPut(
                    "/routes/" + byId,
                    "{\"uri\": \"/" + byId + "/*\", \"upstream_id\": \"" + upstreamId + "\"}")
                .statusCode())
        .isEqualTo(201);
    String inline = Keywatch.uniqueId("tls-inline");
    assertThat(
            kw.adminPut(
                    "/routes/" + inline,
                    "{\"uri\": \"/" + inline + "/*\", \"upstream\": " + upstream + "}")
                .statusCode())
        .isEqualTo(201);
    for (String base : new String[] {"/" + byId, "/" + inline}) {
      eventually().until(() -> kw.proxyGet(base + "/x").statusCode() != 404);
      HttpResponse<String> r = kw.proxyGet(base + "/x");
      assertThat(r.statusCode()).as(base).isEqualTo(200);
      assertThat(r.body()).isEqualTo("UNTRUSTED " + base + "/x");
    }
  }

  @Test
  void activeProbesOfAnUpstreamWithVerifyFalseReachAnUntrustedNode() throws IOException {
    try (HttpsUpstream probed = new HttpsUpstream("PROBED", stranger.issue("localhost"))) {
      String upstreamId = Keywatch.uniqueId("tls-probed");
      String json =
          "{\"scheme\": \"https\", \"nodes\": {\"localhost:"
              + probed.port()
              + "\": 1}, \"tls\": {\"verify\": false}, \"checks\": {\"active\":"
              + " {\"http_path\": \"/probe\", \"healthy\": {\"interval\": 1},"
              + " \"unhealthy\": {\"interval\": 1}}}}";
      assertThat(kw.adminPut("/upstreams/" + upstreamId, json).statusCode()).isEqualTo(201);
      // probes that checked the certificate would fail in the handshake, before any request
      eventually().until(() -> probed.paths.contains("/probe"));
    }
  }

  @Test
  void aWebSocketToAnHttpsUpstreamIsCheckedAsItsRequestsAre() throws IOException {
    try (TlsWebSocketUpstream trustedWs = new TlsWebSocketUpstream(trusted.issue("localhost"));
        TlsWebSocketUpstream strangerWs = new TlsWebSocketUpstream(stranger.issue("localhost"))) {
      assertThat(webSocket(trustedWs, "")).startsWith("HTTP/1.1 101");
      String refused = webSocket(strangerWs, "");
      assertThat(refused)
          .startsWith("HTTP/1.1 502")
          .endsWith(
              "upstream certificate problem: not trusted (it does not lead to a trusted CA)\n");
      assertThat(webSocket(strangerWs, ", \"tls\": {\"verify\": false}"))
          .startsWith("HTTP/1.1 101");
    }
  }

  /** A WebSocket handshake through a fresh route to the upstream; the answer, head and body. */
  private static String webSocket(TlsWebSocketUpstream upstream, String extraJson)
      throws IOException {
    String id = Keywatch.uniqueId("wss");
    String json =
        "{\"uri\": \"/"
            + id
            + "\", \"upstream\": \"https://localhost:"
            + upstream.port()
            + "\", \"enable_websocket\": true"
            + extraJson
            + "}";
    assertThat(kw.adminPut("/routes/" + id, json).statusCode()).isEqualTo(201);
    eventually().until(() -> kw.proxyGet("/" + id).statusCode() != 404);
    try (Socket s = new Socket(kw.proxyUri().getHost(), kw.proxyUri().getPort())) {
      s.setSoTimeout(30_000);
      s.getOutputStream()
          .write(
              ("GET /"
                      + id
                      + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      String head = TlsWebSocketUpstream.head(s.getInputStream());
      Matcher length = CONTENT_LENGTH.matcher(head);
      byte[] body =
          length.find()
              ? s.getInputStream().readNBytes(Integer.parseInt(length.group(1)))
              : new byte[0];
      return head + new String(body, StandardCharsets.UTF_8);
    }
  }

  @Test
  void theRouteShowsVerifyFalseBackAndRefusesAnotherTlsShape() {
    String id = Keywatch.uniqueId("tlsshape");
    String json =
        "{\"uri\": \"/"
            + id
            + "\", \"upstream\": \"https://localhost:1\", \"tls\": {\"verify\": false}}";
    assertThat(kw.adminPut("/routes/" + id, json).statusCode()).isEqualTo(201);
    assertThat(Keywatch.json(kw.adminGet("/routes/" + id)).getJsonObject("value").toString())
        .contains("\"tls\":{\"verify\":false}");
    HttpResponse<String> bad =
        kw.adminPut(
            "/routes/" + id,
            "{\"uri\": \"/x\", \"upstream\": \"https://localhost:1\", \"tls\": {\"verify\": 1}}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("tls must be an object");
  }
}
