package io.keywatch.launcher;

import static io.keywatch.testing.Keywatch.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.keywatch.testing.Keywatch;
import io.keywatch.testing.LauncherProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ./keywatch} on an existing PostgreSQL that is down starts all the same: the gateway serves
 * the routes it saved, the admin API answers 503, and both catch up once the database is back. The
 * "existing" PostgreSQL is an embedded one that this test starts and stops on its own.
 */
class StartWithoutDatabaseIT {

  private static final Duration CATCH_UP = Duration.ofSeconds(90);

  private HttpServer upstream;
  private EmbeddedDatabase database;
  private Path dataDir;
  private Map<String, String> env;

  @BeforeEach
  void start() throws IOException {
    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          byte[] body = ("U " + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    upstream.start();
    dataDir = LauncherProcess.freshDataDir("start-without-database");
    Path pg = dataDir.resolveSibling("start-without-database-postgres");
    Folders.deleteTree(pg);
    database =
        new EmbeddedDatabase(
            pg.resolve("data"),
            pg.resolve("binaries"),
            pg.resolve("postgres.log"),
            LauncherProcess.freePort());
    database.start();
    env =
        Map.of(
            "KEYWATCH_ADMIN_PORT", Integer.toString(LauncherProcess.freePort()),
            "KEYWATCH_PROXY_PORT", Integer.toString(LauncherProcess.freePort()),
            "KEYWATCH_PROXY_STATUS_PORT", Integer.toString(LauncherProcess.freePort()),
            "KEYWATCH_JDBC_URL", database.jdbcUrl(),
            "KEYWATCH_JDBC_USER", database.user());
  }

  @AfterEach
  void stop() {
    database.stop();
    upstream.stop(0);
  }

  @Test
  void theGatewayServesItsSavedRoutesWhileTheDatabaseIsDownAndBothCatchUpWhenItReturns()
      throws IOException {
    String old = Keywatch.uniqueId("old");
    try (LauncherProcess first = LauncherProcess.start(dataDir, env)) {
      Keywatch kw = first.client();
      assertThat(putRoute(kw, old)).isTrue();
      eventually().until(() -> kw.proxyGet("/" + old + "/x").statusCode() == 200);
      Path snapshot = dataDir.resolve("run").resolve("proxy").resolve("keywatch-proxy-routes.json");
      eventually()
          .until(
              () ->
                  Files.exists(snapshot)
                      && Files.readString(snapshot, StandardCharsets.UTF_8).contains(old));
      assertThat(first.stop()).as("exit code after SIGTERM").isIn(0, 143);
      for (String server : List.of("admin", "proxy")) {
        assertThat(dataDir.resolve("run").resolve(server).resolve("root"))
            .as("the runtime the %s server unpacked, once it has stopped", server)
            .doesNotExist();
      }
      assertThat(snapshot).exists();
    }
    database.stop();

    try (LauncherProcess second = LauncherProcess.start(dataDir, env)) {
      assertThat(String.join("\n", second.output()))
          .contains("POSTGRES unreachable at " + database.jdbcUrl())
          .contains("without its database")
          .doesNotContain("cannot start");
      Keywatch kw = second.client();
      HttpResponse<String> served = kw.proxyGet("/" + old + "/x");
      assertThat(served.statusCode()).isEqualTo(200);
      assertThat(served.body()).isEqualTo("U /" + old + "/x");
      assertThat(
              kw.adminPut("/routes/" + Keywatch.uniqueId("refused"), route("/refused/*"))
                  .statusCode())
          .as("a write while the database is down")
          .isEqualTo(503);

      database.start();
      String fresh = Keywatch.uniqueId("new");
      eventually().atMost(CATCH_UP).until(() -> putRoute(kw, fresh));
      eventually()
          .atMost(CATCH_UP)
          .untilAsserted(
              () ->
                  assertThat(kw.proxyGet("/" + fresh + "/y").body())
                      .isEqualTo("U /" + fresh + "/y"));
      assertThat(kw.proxyGet("/" + old + "/z").body()).isEqualTo("U /" + old + "/z");
    }
  }

  private boolean putRoute(Keywatch kw, String id) {
    int status = kw.adminPut("/routes/" + id, route("/" + id + "/*")).statusCode();
    return status == 200 || status == 201;
  }

  private String route(String uri) {
    return "{\"uri\": \""
        + uri
        + "\", \"upstream\": \"http://127.0.0.1:"
        + upstream.getAddress().getPort()
        + "\"}";
  }
}
