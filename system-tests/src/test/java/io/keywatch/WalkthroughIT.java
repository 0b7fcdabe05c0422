package io.keywatch;

import static io.keywatch.testing.Keywatch.eventually;
import static io.keywatch.testing.Keywatch.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.keywatch.testing.Keywatch;
import io.keywatch.testing.LauncherProcess;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The README's walkthrough (the seed's pg_watch_demo session) against the launcher as a user runs
 * it: a fresh data folder, a generated API key read from the start-up lines, a local upstream
 * instead of httpbin. The store is empty (at revision 1, as etcd's), so every revision is known
 * exactly: the seed's 8, 9, 10, 11 are 2, 3, 4, 5 here. Then a stop (as Ctrl-C), and a second start
 * on the same data.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WalkthroughIT {

  private static final String NO_ROUTE = "no route\n";
  private static final String CURL_FORM_TYPE = "application/x-www-form-urlencoded";

  private static HttpServer upstream;
  private static String upstreamUri;
  private static Path dataDir;
  private static Map<String, String> env;
  private static LauncherProcess launcher;
  private static Keywatch kw;

  @BeforeAll
  static void start() throws IOException {
    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          String forwardedFor =
              String.valueOf(exchange.getRequestHeaders().getFirst("X-Forwarded-For"));
          byte[] body =
              ("{\"url\":\""
                      + exchange.getRequestURI()
                      + "\",\"method\":\""
                      + exchange.getRequestMethod()
                      + "\",\"forwardedFor\":\""
                      + forwardedFor
                      + "\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    upstream.start();
    upstreamUri = "http://127.0.0.1:" + upstream.getAddress().getPort();

    dataDir = LauncherProcess.freshDataDir("walkthrough");
    env =
        Map.of(
            "KEYWATCH_ADMIN_PORT", Integer.toString(LauncherProcess.freePort()),
            "KEYWATCH_PROXY_PORT", Integer.toString(LauncherProcess.freePort()),
            "KEYWATCH_PROXY_STATUS_PORT", Integer.toString(LauncherProcess.freePort()),
            "KEYWATCH_POSTGRES_PORT", Integer.toString(LauncherProcess.freePort()));
    launcher = LauncherProcess.start(dataDir, env);
    kw = launcher.client();
  }

  @AfterAll
  static void stop() {
    if (launcher != null) {
      launcher.close();
    }
    if (upstream != null) {
      upstream.stop(0);
    }
  }

  @Test
  @Order(1)
  void aFirstStartGeneratesAnApiKeyKeepsItAndSaysHowToSetOne() throws IOException {
    String key = launcher.printed("API key\\s*:\\s*([0-9a-f]+) \\(generated now").orElseThrow();
    assertThat(Files.readString(dataDir.resolve("api-key")).trim()).isEqualTo(key);
    assertThat(String.join("\n", launcher.output()))
        .contains("KEYWATCH_API_KEY=")
        .contains("revision 1");

    HttpResponse<String> withoutKey =
        kw.send(HttpRequest.newBuilder(kw.adminUri().resolve("/routes")));
    assertThat(withoutKey.statusCode()).isEqualTo(401);
    HttpResponse<String> wrongKey =
        kw.send(
            HttpRequest.newBuilder(kw.adminUri().resolve("/routes"))
                .header(Keywatch.API_KEY_HEADER, key + "x"));
    assertThat(wrongKey.statusCode()).isEqualTo(401);
  }

  @Test
  @Order(2)
  void noRoutesInitially() {
    HttpResponse<String> r = kw.proxyGet("/get");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).isEqualTo(NO_ROUTE);

    JsonObject routes = json(kw.adminGet("/routes"));
    assertThat(routes.getJsonObject("header").getJsonNumber("revision").longValue()).isEqualTo(1);
    assertThat(routes.getInt("count")).isZero();
  }

  @Test
  @Order(3)
  void aRouteForGetIsFollowedByTheGateway() throws IOException {
    HttpResponse<String> put = putAsCurl("/routes/foo", route("/get"));
    assertThat(put.statusCode()).isEqualTo(201);
    assertThat(put.headers().firstValue("X-Keywatch-Revision")).hasValue("2");
    JsonObject body = json(put);
    assertThat(revision(body)).isEqualTo(2);
    assertThat(body.getString("key")).isEqualTo("/routes/foo");
    assertThat(body.getJsonNumber("createRevision").longValue()).isEqualTo(2);
    assertThat(body.getJsonNumber("modRevision").longValue()).isEqualTo(2);
    assertThat(body.getJsonNumber("version").longValue()).isEqualTo(1);
    assertThat(body.containsKey("prevKv")).isFalse();

    eventually().until(() -> kw.proxyGet("/get").statusCode() == 200);
    // its feed met the admin still deploying (404) at start: that is no warning; and no route
    // turns certificate checks off, so no client that trusts every certificate was started
    assertThat(Files.readString(dataDir.resolve("run/logs/proxy.log")))
        .doesNotContainPattern("\\[WARNING\\].*RECONNECT")
        .doesNotContain("Trusting all certificates");
    JsonObject echoed = json(kw.proxyGet("/get?x=1"));
    assertThat(echoed.getString("url")).isEqualTo("/get?x=1");
    assertThat(echoed.getString("method")).isEqualTo("GET");
    assertThat(echoed.getString("forwardedFor")).isNotEqualTo("null");
  }

  @Test
  @Order(4)
  void aSecondRouteForAnything() {
    HttpResponse<String> put = putAsCurl("/routes/bar", route("/anything"));
    assertThat(put.statusCode()).isEqualTo(201);
    assertThat(revision(json(put))).isEqualTo(3);

    eventually().until(() -> kw.proxyGet("/anything").statusCode() == 200);
    assertThat(json(kw.proxyGet("/anything")).getString("url")).isEqualTo("/anything");
  }

  @Test
  @Order(5)
  void overridingARouteKeepsItsCreateRevisionAndCountsItsVersion() {
    HttpResponse<String> put = putAsCurl("/routes/foo", route("/get"));
    assertThat(put.statusCode()).isEqualTo(200);
    JsonObject body = json(put);
    assertThat(revision(body)).isEqualTo(4);
    assertThat(body.getJsonNumber("createRevision").longValue()).isEqualTo(2);
    assertThat(body.getJsonNumber("modRevision").longValue()).isEqualTo(4);
    assertThat(body.getJsonNumber("version").longValue()).isEqualTo(2);
    assertThat(body.getJsonObject("prevKv").getJsonNumber("modRevision").longValue()).isEqualTo(2);
    assertThat(kw.proxyGet("/get").statusCode()).isEqualTo(200);
  }

  @Test
  @Order(6)
  void currentAndHistoricalVersionsOfARoute() {
    HttpResponse<String> now = kw.adminGet("/routes/foo");
    assertThat(now.statusCode()).isEqualTo(200);
    assertThat(now.headers().firstValue("ETag")).hasValue("\"4\"");
    JsonObject current = json(now);
    assertThat(revision(current)).isEqualTo(4);
    assertThat(current.getJsonNumber("modRevision").longValue()).isEqualTo(4);
    assertThat(current.getJsonObject("value").getString("uri")).isEqualTo("/get");
    assertThat(current.getJsonObject("value").getString("upstream")).isEqualTo(upstreamUri);

    JsonObject first = json(kw.adminGet("/routes/foo?rev=2"));
    assertThat(first.getJsonNumber("modRevision").longValue()).isEqualTo(2);
    assertThat(first.getJsonNumber("version").longValue()).isEqualTo(1);
    JsonObject asOfThree = json(kw.adminGet("/routes/foo?rev=3"));
    assertThat(asOfThree.getJsonNumber("modRevision").longValue()).isEqualTo(2);

    JsonObject history = json(kw.adminGet("/routes/foo/history"));
    assertThat(history.getJsonArray("history").getValuesAs(JsonObject.class))
        .extracting(h -> h.getJsonNumber("modRevision").longValue())
        .containsExactly(2L, 4L);
  }

  @Test
  @Order(7)
  void deletingARouteStopsTheGatewayServingIt() {
    HttpResponse<String> delete = kw.adminDelete("/routes/bar");
    assertThat(delete.statusCode()).isEqualTo(200);
    JsonObject body = json(delete);
    assertThat(revision(body)).isEqualTo(5);
    assertThat(body.getJsonObject("prevKv").getJsonNumber("modRevision").longValue()).isEqualTo(3);

    eventually().until(() -> kw.proxyGet("/anything").statusCode() == 404);
    assertThat(kw.proxyGet("/anything").body()).isEqualTo(NO_ROUTE);
    assertThat(kw.proxyGet("/get").statusCode()).isEqualTo(200);

    assertThat(kw.adminGet("/routes/bar").statusCode()).isEqualTo(404);
    assertThat(kw.adminDelete("/routes/bar").statusCode()).isEqualTo(404);
    assertThat(revision(json(kw.adminGet("/routes"))))
        .isEqualTo(5); // the refused delete wrote nothing
    assertThat(
            json(kw.adminGet("/routes/bar/history"))
                .getJsonArray("history")
                .getValuesAs(JsonObject.class))
        .extracting(h -> h.getBoolean("deleted", false))
        .containsExactly(false, true);
  }

  @Test
  @Order(8)
  void theGatewaysHealthIsOnItsStatusPortNotOnItsDataPort() {
    HttpResponse<String> ready =
        kw.send(HttpRequest.newBuilder(kw.proxyStatusUri().resolve("/health/ready")));
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(kw.proxyGet("/health/ready").body()).isEqualTo(NO_ROUTE);
  }

  @Test
  @Order(9)
  void stoppingItStopsEverythingAndASecondStartKeepsTheStoreAndTheKey() {
    String key = kw.apiKey();
    int exit = launcher.stop();
    assertThat(exit).as("exit code after SIGTERM").isIn(0, 143);
    for (String port : env.values()) {
      assertThat(isListening(Integer.parseInt(port)))
          .as("port %s after the launcher stopped", port)
          .isFalse();
    }

    launcher = LauncherProcess.start(dataDir, env);
    kw = launcher.client();
    assertThat(launcher.printed("API key\\s*:\\s*(\\S+) \\(generated earlier")).hasValue(key);
    assertThat(launcher.printed("revision (\\d+)")).hasValue("5");
    assertThat(kw.adminGet("/routes/foo").headers().firstValue("ETag")).hasValue("\"4\"");
    // the gateway loads its routes before it reports ready, and the launcher is ready only when
    // the gateway follows the store, not while it serves its snapshot waiting to reconnect
    assertThat(kw.send(HttpRequest.newBuilder(kw.proxyStatusUri().resolve("/health/ready"))).body())
        .containsPattern("\"live\"\\s*:\\s*\"true\"");
    assertThat(kw.proxyGet("/get").statusCode()).isEqualTo(200);
    assertThat(kw.proxyGet("/anything").statusCode()).isEqualTo(404);
  }

  /** As the seed's curl sends it: {@code -d} alone, so curl's default form type. */
  private HttpResponse<String> putAsCurl(String path, String json) {
    return kw.send(
        kw.adminRequest(path)
            .header("Content-Type", CURL_FORM_TYPE)
            .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  private String route(String uri) {
    return "{\"uri\":\"" + uri + "\",\"upstream\":\"" + upstreamUri + "\"}"; // the seed's spelling
  }

  private static long revision(JsonObject body) {
    return body.getJsonObject("header").getJsonNumber("revision").longValue();
  }

  private static boolean isListening(int port) {
    try (Socket s = new Socket("localhost", port)) {
      return true;
    } catch (ConnectException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
