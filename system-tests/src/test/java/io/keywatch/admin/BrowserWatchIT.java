package io.keywatch.admin;

import static io.keywatch.admin.Answers.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.keywatch.launcher.Folders;
import io.keywatch.launcher.ServerRole;
import io.keywatch.testing.Keywatch;
import io.keywatch.testing.KeywatchTest;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A page of another origin watches with a plain browser EventSource: CORS for the origins in {@code
 * keywatch.admin.cors-origins} (preflights answered without the key), and a watch token in the URL.
 * The last test drives Debian's headless chromium against a page this test serves itself.
 */
@KeywatchTest
class BrowserWatchIT {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  static HttpServer page;
  static String origin;
  static Keywatch kw;
  static final Queue<JsonObject> received = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void start() throws IOException {
    page = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    page.createContext("/page.html", BrowserWatchIT::servePage);
    page.createContext("/received", BrowserWatchIT::receive);
    page.start();
    origin = "http://127.0.0.1:" + page.getAddress().getPort();
    kw =
        Keywatch.startPrivate(
            "browser-watch",
            o ->
                o.env(
                    ServerRole.ADMIN,
                    "KEYWATCH_ADMIN_CORS_ORIGINS",
                    "http://127.0.0.1:1, " + origin));
  }

  @AfterAll
  static void stop() {
    if (kw != null) {
      kw.close();
    }
    page.stop(0);
  }

  @Test
  void aPreflightFromAnAllowedOriginIs204WithoutTheKey() {
    HttpResponse<String> r = kw.send(preflight(kw, origin, "POST", "x-api-key, content-type"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
    HttpHeaders h = r.headers();
    assertThat(h.firstValue("Access-Control-Allow-Origin")).hasValue(origin);
    assertThat(h.allValues("Vary")).contains("Origin");
    assertThat(h.firstValue("Access-Control-Allow-Methods"))
        .hasValueSatisfying(m -> assertThat(m).contains("GET", "PUT", "POST", "DELETE"));
    assertThat(h.firstValue("Access-Control-Allow-Headers"))
        .hasValueSatisfying(m -> assertThat(m.toLowerCase()).contains("x-api-key", "content-type"));
  }

  @Test
  void aPreflightFromAnotherOriginGetsNoCorsHeaders() {
    for (String other :
        List.of(
            "http://127.0.0.1:2", origin + ".evil", "null", origin.replace("http:", "https:"))) {
      HttpResponse<String> r = kw.send(preflight(kw, other, "POST", "x-api-key"));
      problem(r, 401);
      assertThat(corsHeaders(r.headers())).as(other).isEmpty();
    }
  }

  @Test
  void answersToAnAllowedOriginAreReadableByItAndExposeTheRevision() {
    HttpResponse<String> ok = kw.send(kw.adminRequest("/routes").header("Origin", origin).GET());
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.headers().firstValue("Access-Control-Allow-Origin")).hasValue(origin);
    assertThat(ok.headers().allValues("Vary")).contains("Origin");
    assertThat(ok.headers().firstValue("Access-Control-Expose-Headers"))
        .hasValueSatisfying(e -> assertThat(e).contains("X-Keywatch-Revision"));
    HttpResponse<String> refused =
        kw.send(
            HttpRequest.newBuilder(kw.adminUri().resolve("/routes"))
                .header("Origin", origin)
                .GET());
    problem(refused, 401);
    assertThat(refused.headers().firstValue("Access-Control-Allow-Origin"))
        .as("a page can read why it was refused")
        .hasValue(origin);
    HttpResponse<String> other =
        kw.send(kw.adminRequest("/routes").header("Origin", "http://127.0.0.1:2").GET());
    assertThat(other.statusCode()).isEqualTo(200);
    assertThat(corsHeaders(other.headers())).isEmpty();
  }

  @Test
  void withoutAnAllowListNoOriginGetsCorsHeaders(Keywatch shared) {
    HttpResponse<String> r = shared.send(preflight(shared, origin, "GET", "x-api-key"));
    problem(r, 401);
    assertThat(corsHeaders(r.headers())).isEmpty();
    HttpResponse<String> ok =
        shared.send(shared.adminRequest("/routes").header("Origin", origin).GET());
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(corsHeaders(ok.headers())).isEmpty();
  }

  @Test
  void aChromiumPageOfAnotherOriginWatchesWithAnEventSource() throws IOException {
    if (!Files.isExecutable(CHROMIUM)) {
      if ("true".equals(System.getenv("CI"))) {
        fail(CHROMIUM + " is missing: .ci/run installs it with apt (apt-get install chromium)");
      }
      Assumptions.abort(
          CHROMIUM
              + " is not installed, so no browser can be driven (apt-get install --no-install-recommends chromium)");
    }
    Path profile = Keywatch.runDir().resolve("chromium-profile");
    Folders.deleteTree(profile);
    Files.createDirectories(profile);
    Process chromium =
        new ProcessBuilder(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-proxy-server",
                "--user-data-dir=" + profile,
                "--remote-debugging-port=0",
                origin + "/page.html")
            .redirectErrorStream(true)
            .redirectOutput(Keywatch.runDir().resolve("chromium.log").toFile())
            .start();
    try {
      JsonObject opened = awaitReport("progress");
      String a = Keywatch.uniqueId("browser-a");
      String b = Keywatch.uniqueId("browser-b");
      assertThat(
              kw.adminPut(
                      "/routes/" + a,
                      "{\"uri\":\"/" + a + "\",\"upstream\":\"http://127.0.0.1:9\"}")
                  .statusCode())
          .isEqualTo(201);
      assertThat(
              kw.adminPut(
                      "/routes/" + b,
                      "{\"uri\":\"/" + b + "\",\"upstream\":\"http://127.0.0.1:9\"}")
                  .statusCode())
          .isEqualTo(201);
      Keywatch.eventually()
          .untilAsserted(() -> assertThat(puts()).containsExactly("/routes/" + a, "/routes/" + b));
      long first =
          received.stream()
              .filter(r -> r.getString("type").equals("put"))
              .findFirst()
              .map(r -> Long.parseLong(r.getString("id")))
              .orElseThrow();
      assertThat(Long.parseLong(opened.getString("revisionHeader")))
          .as("the page read X-Keywatch-Revision, then watched from the next")
          .isEqualTo(first - 1);
      assertThat(received)
          .noneMatch(
              r -> r.getString("type").equals("error") || r.getString("type").equals("failure"));
    } finally {
      chromium.destroy();
      chromium.onExit().orTimeout(30, TimeUnit.SECONDS).join();
    }
  }

  private static JsonObject awaitReport(String type) {
    Keywatch.eventually()
        .until(
            () ->
                received.stream()
                    .anyMatch(
                        r ->
                            r.getString("type").equals(type)
                                || r.getString("type").equals("failure")));
    JsonObject r =
        received.stream()
            .filter(x -> x.getString("type").equals(type) || x.getString("type").equals("failure"))
            .findFirst()
            .orElseThrow();
    assertThat(r.getString("type")).as("the page's report %s", r).isEqualTo(type);
    return r;
  }

  private static List<String> puts() {
    return received.stream()
        .filter(r -> r.getString("type").equals("put"))
        .map(r -> r.getString("key"))
        .toList();
  }

  private static HttpRequest.Builder preflight(
      Keywatch system, String from, String method, String headers) {
    return HttpRequest.newBuilder(system.adminUri().resolve("/watch/tokens"))
        .timeout(Duration.ofSeconds(30))
        .header("Origin", from)
        .header("Access-Control-Request-Method", method)
        .header("Access-Control-Request-Headers", headers)
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody());
  }

  private static List<String> corsHeaders(HttpHeaders headers) {
    return headers.map().keySet().stream()
        .filter(h -> h.toLowerCase().startsWith("access-control-"))
        .toList();
  }

  /**
   * The page: reads the revision (a CORS fetch with the key: a preflight, then a readable exposed
   * header), gets a watch token, opens an EventSource from the next revision, and writes each event
   * into the DOM and reports it back to this server.
   */
  private static void servePage(HttpExchange exchange) throws IOException {
    String admin = kw.adminUri().toString().replaceAll("/$", "");
    String html =
        """
        <!doctype html>
        <html><body><ol id="events"></ol><script>
        const admin = '%s', key = '%s';
        const report = o => fetch('/received', {method: 'POST', body: JSON.stringify(o)});
        const show = text => { const li = document.createElement('li'); li.textContent = text; events.appendChild(li); };
        (async () => {
          const routes = await fetch(admin + '/routes', {headers: {'X-API-KEY': key}});
          const revision = routes.headers.get('X-Keywatch-Revision');
          const issued = await fetch(admin + '/watch/tokens', {method: 'POST',
              headers: {'X-API-KEY': key, 'Content-Type': 'application/json'},
              body: JSON.stringify({prefix: '/routes/', ttl: 'PT5M'})}).then(r => r.json());
          const source = new EventSource(admin + '/watch?prefix=/routes/&rev=' + (Number(revision) + 1)
              + '&token=' + encodeURIComponent(issued.token));
          source.addEventListener('progress', e => report({type: 'progress', id: e.lastEventId, revisionHeader: revision}));
          source.addEventListener('put', e => {
            const change = JSON.parse(e.data);
            show(e.lastEventId + ' ' + change.kv.key);
            report({type: 'put', id: e.lastEventId, key: change.kv.key});
          });
          source.onerror = () => report({type: 'error', readyState: source.readyState});
        })().catch(e => report({type: 'failure', message: String(e)}));
        </script></body></html>
        """
            .formatted(admin, kw.apiKey());
    byte[] body = html.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
    exchange.sendResponseHeaders(200, body.length);
    try (var out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static void receive(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    received.add(Json.createReader(new StringReader(body)).readObject());
    exchange.sendResponseHeaders(204, -1);
    exchange.close();
  }
}
