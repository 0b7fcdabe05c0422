package io.keywatch.tls;

import static io.keywatch.testing.Keywatch.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.keywatch.proxy.EchoUpstream;
import io.keywatch.testing.Keywatch;
import io.keywatch.testing.KeywatchTest;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway's HTTPS listener presents the store's certificates ({@code /ssls/}), chosen per
 * connection by the server name the client sends, and a replaced certificate serves the next
 * handshakes without a restart. The admin API checks an ssl object and never shows its key, but to
 * the feed key: the gateway follows its admin's watch stream with it and needs the keys.
 */
@KeywatchTest
class HttpsListenerIT {

  static final TestCa ca = new TestCa("Keywatch Test Gateway CA");
  static EchoUpstream echo;

  @BeforeAll
  static void upstream() {
    echo = new EchoUpstream("TLS");
  }

  @AfterAll
  static void stop() {
    echo.close();
  }

  static String ssl(TestCa.Issued cert, String... snis) {
    var names = Json.createArrayBuilder();
    for (String sni : snis) {
      names.add(sni);
    }
    return Json.createObjectBuilder()
        .add("cert", cert.chainPem())
        .add("key", cert.keyPem())
        .add("snis", names)
        .build()
        .toString();
  }

  /** A fresh handshake (no session to resume) with this server name; the certificate presented. */
  static X509Certificate handshake(Keywatch kw, String serverName) throws IOException {
    try (SSLSocket s = connect(kw, serverName)) {
      return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }
  }

  static SSLSocket connect(Keywatch kw, String serverName) throws IOException {
    SSLSocket s =
        (SSLSocket)
            ca.clientContext()
                .getSocketFactory()
                .createSocket(
                    InetAddress.getLoopbackAddress(), kw.system().proxyHttpsUri().getPort());
    s.setSoTimeout(10_000);
    SSLParameters p = s.getSSLParameters();
    p.setServerNames(List.of(new SNIHostName(serverName)));
    s.setSSLParameters(p);
    s.startHandshake();
    return s;
  }

  static boolean presents(Keywatch kw, String serverName, X509Certificate expected) {
    try {
      return handshake(kw, serverName).getSerialNumber().equals(expected.getSerialNumber());
    } catch (IOException noCertificateYet) {
      return false;
    }
  }

  @Test
  void eachServerNameGetsItsOwnCertificateFromTheStore(Keywatch kw) throws IOException {
    String a = Keywatch.uniqueId("a") + ".keywatch.test";
    String b = Keywatch.uniqueId("b") + ".keywatch.test";
    TestCa.Issued certA = ca.issue(a);
    TestCa.Issued certB = ca.issue(b);
    assertThat(kw.adminPut("/ssls/" + Keywatch.uniqueId("ssla"), ssl(certA, a)).statusCode())
        .isEqualTo(201);
    assertThat(kw.adminPut("/ssls/" + Keywatch.uniqueId("sslb"), ssl(certB, b)).statusCode())
        .isEqualTo(201);

    eventually().until(() -> presents(kw, a, certA.certificate()));
    assertThat(handshake(kw, b).getSerialNumber()).isEqualTo(certB.certificate().getSerialNumber());
    assertThat(handshake(kw, a).getSerialNumber()).isEqualTo(certA.certificate().getSerialNumber());
  }

  @Test
  void aWildcardSniServesOneLabelBelowIt(Keywatch kw) {
    String domain = Keywatch.uniqueId("w") + ".keywatch.test";
    TestCa.Issued wild = ca.issue("*." + domain);
    assertThat(
            kw.adminPut("/ssls/" + Keywatch.uniqueId("wild"), ssl(wild, "*." + domain))
                .statusCode())
        .isEqualTo(201);
    eventually().until(() -> presents(kw, "api." + domain, wild.certificate()));
  }

  @Test
  void aReplacedCertificateServesTheNextHandshakesWhileClientsConnect(Keywatch kw)
      throws Exception {
    String name = Keywatch.uniqueId("r") + ".keywatch.test";
    String id = Keywatch.uniqueId("rotate");
    TestCa.Issued first = ca.issue(name);
    TestCa.Issued second = ca.issue(name);
    String route = "/" + Keywatch.uniqueId("tlsroute");
    assertThat(
            kw.adminPut(
                    "/routes/" + Keywatch.uniqueId("tlsroute"),
                    "{\"uri\": \"" + route + "/*\", \"upstream\": \"" + echo.url() + "\"}")
                .statusCode())
        .isEqualTo(201);
    assertThat(kw.adminPut("/ssls/" + id, ssl(first, name)).statusCode()).isEqualTo(201);
    eventually().until(() -> presents(kw, name, first.certificate()));
    eventually()
        .until(() -> get(kw, connect(kw, name), name, route + "/x").startsWith("HTTP/1.1 200"));

    // a connection made before the change, kept open across it
    SSLSocket kept = connect(kw, name);
    assertThat(get(kw, kept, name, route + "/before")).startsWith("HTTP/1.1 200");

    List<BigInteger> seen = new CopyOnWriteArrayList<>();
    Set<String> failures = ConcurrentHashMap.newKeySet();
    AtomicBoolean running = new AtomicBoolean(true);
    List<Thread> clients = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Thread t =
          new Thread(
              () -> {
                while (running.get()) {
                  try {
                    seen.add(handshake(kw, name).getSerialNumber());
                  } catch (IOException e) {
                    failures.add(e.toString());
                  }
                }
              });
      t.start();
      clients.add(t);
    }
    try {
      eventually().until(() -> seen.size() >= 3);
      assertThat(kw.adminPut("/ssls/" + id, ssl(second, name)).statusCode()).isEqualTo(200);
      eventually().until(() -> seen.contains(second.certificate().getSerialNumber()));
      int switched = seen.size();
      eventually().until(() -> seen.size() >= switched + 6);
    } finally {
      running.set(false);
      for (Thread t : clients) {
        t.join();
      }
    }
    assertThat(failures).as("handshakes that failed while the certificate changed").isEmpty();
    int firstNew = seen.indexOf(second.certificate().getSerialNumber());
    // three clients: a handshake that began just before the change may end just after the first new
    // one
    assertThat(seen.subList(Math.min(firstNew + 3, seen.size()), seen.size()))
        .as("handshakes after the change")
        .containsOnly(second.certificate().getSerialNumber());
    assertThat(get(kw, kept, name, route + "/after"))
        .as("the connection made before the change still serves: the listener was not restarted")
        .startsWith("HTTP/1.1 200");
    kept.close();
  }

  @Test
  void http2IsNegotiatedByAlpnAndTheUpstreamHearsHttps(Keywatch kw) throws Exception {
    TestCa.Issued local = ca.issue("localhost");
    assertThat(
            kw.adminPut("/ssls/" + Keywatch.uniqueId("local"), ssl(local, "localhost"))
                .statusCode())
        .isIn(200, 201);
    String route = "/" + Keywatch.uniqueId("h2route");
    assertThat(
            kw.adminPut(
                    "/routes/" + Keywatch.uniqueId("h2route"),
                    "{\"uri\": \"" + route + "/*\", \"upstream\": \"" + echo.url() + "\"}")
                .statusCode())
        .isEqualTo(201);
    HttpClient h2 =
        HttpClient.newBuilder()
            .sslContext(ca.clientContext())
            .version(HttpClient.Version.HTTP_2)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    HttpRequest request =
        HttpRequest.newBuilder(kw.system().proxyHttpsUri().resolve(route + "/h2"))
            .timeout(Duration.ofSeconds(20))
            .build();
    eventually()
        .until(
            () -> {
              try {
                return h2.send(request, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
              } catch (IOException notYet) {
                return false;
              }
            });
    echo.received.clear();
    HttpResponse<String> r = h2.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(r.body()).isEqualTo("TLS GET " + route + "/h2");
    assertThat(
            echo.received
                .poll(5, java.util.concurrent.TimeUnit.SECONDS)
                .header("X-forwarded-proto"))
        .isEqualTo("https");
    HttpResponse<String> health =
        h2.send(
            HttpRequest.newBuilder(kw.system().proxyHttpsUri().resolve("/health")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode())
        .as("the status paths are the status port's, not the HTTPS port's")
        .isEqualTo(404);
    assertThat(health.body()).isEqualTo("no route\n");
  }

  @Test
  void theAdminShowsEverythingButTheKeyAndRefusesAKeyOfAnotherCertificate(Keywatch kw) {
    String name = Keywatch.uniqueId("k") + ".keywatch.test";
    TestCa.Issued cert = ca.issue(name);
    TestCa.Issued other = ca.issue(name);
    String id = Keywatch.uniqueId("shown");
    HttpResponse<String> put = kw.adminPut("/ssls/" + id, ssl(cert, name));
    assertThat(put.statusCode()).isEqualTo(201);
    assertThat(put.body()).doesNotContain("PRIVATE KEY");
    for (String path : List.of("/ssls/" + id, "/ssls", "/kv/ssls/" + id)) {
      HttpResponse<String> r = kw.adminGet(path);
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(r.body()).as(path).contains("BEGIN CERTIFICATE").doesNotContain("PRIVATE KEY");
    }
    JsonObject value = Keywatch.json(kw.adminGet("/ssls/" + id)).getJsonObject("value");
    assertThat(value.keySet()).containsExactlyInAnyOrder("cert", "snis");

    String mismatched =
        Json.createObjectBuilder()
            .add("cert", cert.chainPem())
            .add("key", other.keyPem())
            .add("snis", Json.createArrayBuilder().add(name))
            .build()
            .toString();
    HttpResponse<String> bad = kw.adminPut("/ssls/" + id, mismatched);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(bad.body()).contains("key does not belong to the certificate");
    HttpResponse<String> garbage =
        kw.adminPut("/ssls/" + id, "{\"cert\": \"not pem\", \"key\": \"nor this\", \"snis\": []}");
    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(garbage.body())
        .contains("cert holds no")
        .contains("key is not a PEM private key")
        .contains("snis must be a non-empty array");
    assertThat(Keywatch.json(kw.adminGet("/ssls/" + id)).getInt("version"))
        .as("a refused PUT changes nothing")
        .isEqualTo(1);
  }

  @Test
  void onlyTheFeedKeyIsShownThePrivateKeyOnTheWatchStreamAndTheSslList(Keywatch kw)
      throws Exception {
    String name = Keywatch.uniqueId("f") + ".keywatch.test";
    TestCa.Issued cert = ca.issue(name);
    String id = Keywatch.uniqueId("feed");
    HttpResponse<String> put = kw.adminPut("/ssls/" + id, ssl(cert, name));
    assertThat(put.statusCode()).isEqualTo(201);
    long rev = Keywatch.json(put).getJsonNumber("modRevision").longValue();
    String watch = "/watch?prefix=/ssls/" + id + "&rev=" + rev;
    String token =
        Keywatch.json(kw.adminPost("/watch/tokens", "{\"prefix\": \"/ssls/\"}")).getString("token");

    assertThat(firstChange(kw, watch, kw.apiKey()).getJsonObject("kv").getJsonObject("value"))
        .as("the watch stream with the API key")
        .containsOnlyKeys("cert", "snis");
    assertThat(
            firstChange(kw, watch + "&token=" + token, null)
                .getJsonObject("kv")
                .getJsonObject("value"))
        .as("the watch stream with a watch token")
        .containsOnlyKeys("cert", "snis");
    String feedKey = kw.system().feedKey();
    assertThat(
            firstChange(kw, watch, feedKey)
                .getJsonObject("kv")
                .getJsonObject("value")
                .getString("key"))
        .as("the watch stream with the feed key")
        .isEqualTo(cert.keyPem());

    HttpResponse<String> list = feedKeyed(kw, feedKey, "/ssls?rev=" + rev);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(Keywatch.json(list).getJsonArray("kvs").getValuesAs(JsonObject.class))
        .filteredOn(kv -> kv.getString("key").equals("/ssls/" + id))
        .singleElement()
        .satisfies(
            kv -> assertThat(kv.getJsonObject("value").getString("key")).isEqualTo(cert.keyPem()));
    assertThat(kw.adminGet("/ssls?rev=" + rev).body())
        .as("the list at a revision with the API key")
        .contains("BEGIN CERTIFICATE")
        .doesNotContain("PRIVATE KEY");
    for (String other : List.of("/ssls/" + id, "/kv/ssls/" + id, "/kv")) {
      assertThat(feedKeyed(kw, feedKey, other).statusCode()).as(other).isEqualTo(403);
    }
  }

  /** The data of the first change event of a watch stream, opened with that X-API-KEY (or none). */
  static JsonObject firstChange(Keywatch kw, String watch, String key) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(kw.adminUri().resolve(watch)).timeout(Duration.ofSeconds(30)).GET();
    if (key != null) {
      request.header(Keywatch.API_KEY_HEADER, key);
    }
    return assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () -> {
          HttpResponse<Stream<String>> r =
              kw.send(request.build(), HttpResponse.BodyHandlers.ofLines());
          assertThat(r.statusCode()).as(watch).isEqualTo(200);
          try (Stream<String> lines = r.body()) {
            return lines
                .filter(l -> l.startsWith("data:") && l.contains("\"kv\""))
                .findFirst()
                .map(l -> Json.createReader(new StringReader(l.substring(5).strip())).readObject())
                .orElseThrow();
          }
        });
  }

  static HttpResponse<String> feedKeyed(Keywatch kw, String key, String path) {
    return kw.send(
        HttpRequest.newBuilder(kw.adminUri().resolve(path))
            .timeout(Duration.ofSeconds(30))
            .header(Keywatch.API_KEY_HEADER, key)
            .GET());
  }

  /** One request on an open TLS connection; the answer's status line, its body read. */
  static String get(Keywatch kw, SSLSocket s, String host, String path) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(
        ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = new BufferedInputStream(s.getInputStream());
    String status = line(in);
    int length = 0;
    for (String h = line(in); !h.isEmpty(); h = line(in)) {
      if (h.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(h.substring(15).strip());
      }
    }
    in.readNBytes(length);
    return status;
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("connection closed");
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.US_ASCII);
  }
}
