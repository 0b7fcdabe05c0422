package io.keywatch.faults;

import static io.keywatch.testing.Keywatch.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.launcher.ServerRole;
import io.keywatch.testing.Keywatch;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The fan-out tier (issue 16): the launcher's gateway follows its admin server's watch stream, not
 * PostgreSQL. It serves what is put through the admin, opens no connection to the database (which
 * sees the admin's LISTEN only), resumes with Last-Event-ID after the admin was down without
 * missing or reloading anything, and reloads when the admin's store was restored.
 */
class FanOutIT {

  private static final Duration LONG = Duration.ofMinutes(3);

  @Test
  void aGatewayFollowingItsAdminHoldsNoDatabaseConnectionAndResumesAcrossTheAdminsRestart()
      throws Exception {
    try (Upstream upstream = new Upstream("F");
        Keywatch kw = Keywatch.startPrivate("fanout-follow")) {
      String first = route(kw, "first", upstream);
      awaitServed(kw, first, upstream);

      int pgPort = kw.system().options().pgPort();
      assertThat(socketsTo(kw.system().pid(ServerRole.ADMIN), pgPort))
          .as("the admin's connections to PostgreSQL (the check sees them)")
          .isNotEmpty();
      assertThat(socketsTo(kw.system().pid(ServerRole.PROXY), pgPort))
          .as("the gateway's connections to PostgreSQL")
          .isEmpty();
      assertThat(
              count(
                  kw,
                  "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'keywatch-watch'"))
          .as("watch connections (LISTEN) in pg_stat_activity")
          .isEqualTo(1);

      assertFeedKeyOnlyReads(kw);

      long loads = logLines(kw, "ROUTE load");
      kw.system().stopServer(ServerRole.ADMIN);
      String whileDown = Keywatch.uniqueId("down");
      try {
        // written while no admin streams anything: the gateway has to come back for them
        sql(
            kw,
            "SELECT kv_put('/routes/"
                + whileDown
                + "', convert_to('{\"uri\": \"/"
                + whileDown
                + "/*\", \"upstream\": \""
                + upstream.url()
                + "\"}', 'UTF8')); SELECT kv_delete('/routes/"
                + first.substring(1)
                + "')");
      } finally {
        kw.system().startServer(ServerRole.ADMIN);
      }
      eventually()
          .atMost(LONG)
          .untilAsserted(
              () -> {
                assertThat(kw.proxyGet("/" + whileDown + "/probe").body())
                    .isEqualTo(upstream.answer("/" + whileDown + "/probe"));
                assertThat(kw.proxyGet(first + "/probe").statusCode()).isEqualTo(404);
              });
      assertThat(logLines(kw, "ROUTE load"))
          .as("full reads of the routes: the gateway resumed, it did not reload")
          .isEqualTo(loads);
      assertThat(logLines(kw, "FOLLOW from revision"))
          .as("the gateway's feed followed again")
          .isGreaterThanOrEqualTo(2);
      String after = route(kw, "after", upstream);
      awaitServed(kw, after, upstream);
      assertThat(socketsTo(kw.system().pid(ServerRole.PROXY), pgPort)).isEmpty();
    }
  }

  /** The restore of FaultsIT, seen by a gateway that follows the admin rather than the database. */
  @Test
  void aRestoreOfTheAdminsStoreReachesTheFollowingGatewayAsAReload() throws Exception {
    Duration heartbeat = Duration.ofSeconds(2);
    try (Upstream upstream = new Upstream("R");
        Keywatch kw =
            Keywatch.startPrivate(
                "fanout-restore",
                o -> {
                  for (ServerRole role : ServerRole.values()) {
                    o.env(role, "KEYWATCH_WATCH_HEARTBEAT", heartbeat.toString());
                  }
                })) {
      String kept = route(kw, "kept", upstream);
      BackupRestore backup = BackupRestore.take(kw);
      List<String> gone = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        gone.add(route(kw, "gone", upstream));
      }
      for (String base : gone) {
        awaitServed(kw, base, upstream);
      }
      List<String> added = backup.restoreAndRoute(5, upstream);
      backup.awaitReloaded(gone, added, upstream, heartbeat.plusSeconds(20));
      awaitServed(kw, kept, upstream);
      assertThat(logLines(kw, "ROUTE reload after StoreReset[reason=HISTORY_REWRITTEN"))
          .as("the gateway's own feed saw the rewrite in the admin's stream")
          .isPositive();
    }
  }

  /** What the gateway holds opens the watch stream and the route list, and writes nothing. */
  private static void assertFeedKeyOnlyReads(Keywatch kw) throws Exception {
    String key = kw.system().feedKey();
    HttpResponse<InputStream> stream =
        kw.send(
            HttpRequest.newBuilder(kw.adminUri().resolve("/watch?prefix=/&batches=true"))
                .header(Keywatch.API_KEY_HEADER, key)
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = stream.body()) {
      assertThat(stream.statusCode()).isEqualTo(200);
      assertThat(stream.headers().firstValue("X-Keywatch-Store-Id")).isPresent();
      assertThat(stream.headers().firstValue("X-Keywatch-Revision")).isPresent();
    }
    assertThat(feedKeyed(kw, key, "/routes", "GET", null).statusCode()).isEqualTo(200);
    String id = Keywatch.uniqueId("by-feed-key");
    HttpResponse<String> put =
        feedKeyed(
            kw,
            key,
            "/routes/" + id,
            "PUT",
            "{\"uri\": \"/x\", \"upstream\": \"http://127.0.0.1:1\"}");
    assertThat(put.statusCode()).as(put.body()).isEqualTo(403);
    assertThat(put.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    assertThat(feedKeyed(kw, key, "/kv/a", "GET", null).statusCode()).isEqualTo(403);
    assertThat(kw.adminGet("/routes/" + id).statusCode()).as("nothing written").isEqualTo(404);
  }

  private static HttpResponse<String> feedKeyed(
      Keywatch kw, String key, String path, String method, String json) {
    return kw.send(
        HttpRequest.newBuilder(kw.adminUri().resolve(path))
            .header(Keywatch.API_KEY_HEADER, key)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json)));
  }

  /**
   * The TCP connections of a process to a port on this machine: its socket inodes ({@code
   * /proc/<pid>/fd}) among the kernel's connections to that remote port ({@code /proc/net/tcp*}).
   */
  private static Set<String> socketsTo(long pid, int port) throws IOException {
    Set<String> inodes = new HashSet<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/" + pid + "/fd"))) {
      for (Path fd : fds) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException closedMeanwhile) {
          // a descriptor closed while listed
        }
      }
    }
    Set<String> found = new HashSet<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> lines = Files.readAllLines(Path.of(table));
      for (String line : lines.subList(1, lines.size())) {
        // "  0: 0100007F:9C40 0100007F:3C90 01 ... uid timeout inode"
        String[] f = line.trim().split("\\s+");
        int remotePort = Integer.parseInt(f[2].split(":")[1], 16);
        if (remotePort == port && inodes.contains(f[9])) {
          found.add(f[1] + " -> " + f[2]);
        }
      }
    }
    return found;
  }

  private static long logLines(Keywatch kw, String text) throws IOException {
    try (var lines = Files.lines(kw.log(ServerRole.PROXY))) {
      return lines.filter(l -> l.contains(text)).count();
    }
  }

  private static long count(Keywatch kw, String query) throws SQLException {
    try (Connection c = kw.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void sql(Keywatch kw, String statements) throws SQLException {
    try (Connection c = kw.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute(statements);
    }
  }

  /** Writes a route {@code /<id>/*} to that upstream through the admin; its path prefix. */
  private static String route(Keywatch kw, String name, Upstream upstream) {
    String id = Keywatch.uniqueId(name);
    HttpResponse<String> put =
        kw.adminPut(
            "/routes/" + id,
            "{\"uri\": \"/" + id + "/*\", \"upstream\": \"" + upstream.url() + "\"}");
    assertThat(put.statusCode()).as("route %s: %s", id, put.body()).isIn(200, 201);
    return "/" + id;
  }

  private static void awaitServed(Keywatch kw, String base, Upstream upstream) {
    String path = base + "/probe";
    eventually()
        .atMost(LONG)
        .untilAsserted(() -> assertThat(kw.proxyGet(path).body()).isEqualTo(upstream.answer(path)));
  }
}
