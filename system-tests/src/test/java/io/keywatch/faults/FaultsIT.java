package io.keywatch.faults;

import static io.keywatch.testing.Keywatch.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.launcher.KeywatchSystem;
import io.keywatch.launcher.ServerRole;
import io.keywatch.testing.Keywatch;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * System-level faults (issues 8 and 16), each on private systems: PostgreSQL stopped and started
 * again under a write load with a watcher and a proxy following, PostgreSQL gone past the watch's
 * heartbeat, a backup restored under the same store id, and two admin/proxy pairs on one store. The
 * clients behave as real ones do: writers retry what failed, watchers reconnect with Last-Event-ID;
 * the checks are on what each client was promised.
 */
class FaultsIT {

  private static final Duration LONG = Duration.ofMinutes(3);

  @Test
  void postgresRestartUnderWriteLoadLosesNoAcknowledgedWriteAndNoEvent() throws Exception {
    String prefix = "/faults/load/";
    try (Upstream upstream = new Upstream("U");
        Keywatch kw = Keywatch.startPrivate("faults-pg-restart")) {
      String before = route(kw, "before", upstream);
      awaitServed(kw, before, upstream);
      try (ResumingWatch watch = new ResumingWatch(kw, "pg", prefix, 1);
          WriteLoad writer = new WriteLoad(kw, "pg", prefix, 7, Integer.MAX_VALUE)) {
        eventually().until(() -> writer.acknowledged() >= 50);

        int failuresBefore = writer.failures();
        long proxyReconnects = reconnects(kw, kw.proxyStatusUri());
        kw.postgres().stop();
        int ackedAtStop = writer.acknowledged();
        int ackedWhileDown;
        List<Integer> proxyDown = new ArrayList<>();
        try {
          // the fault is real: the writer's attempts fail (each in the pool's 5 s connection
          // timeout)
          // and both servers' feeds have lost the store
          eventually().atMost(LONG).until(() -> writer.failures() >= failuresBefore + 3);
          eventually()
              .atMost(LONG)
              .until(() -> feedCheck(kw, kw.adminUri()).getString("status").equals("DOWN"));
          eventually()
              .atMost(LONG)
              .until(() -> reconnects(kw, kw.proxyStatusUri()) > proxyReconnects);
          watch.drop(); // the watcher's connection breaks too: it must resume after the restart
          for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = kw.proxyGet(before + "/down" + i);
            proxyDown.add(r.statusCode());
            assertThat(r.statusCode())
                .as("proxy answer %d while PostgreSQL is down: %s", i, r.body())
                .isEqualTo(200);
            assertThat(r.body()).isEqualTo(upstream.answer(before + "/down" + i));
          }
          ackedWhileDown = writer.acknowledged() - ackedAtStop;
        } finally {
          kw.postgres().start();
        }
        int failuresWhileDown = writer.failures() - failuresBefore;
        eventually()
            .atMost(LONG)
            .until(() -> feedCheck(kw, kw.adminUri()).getString("status").equals("UP"));
        int ackedAtRestart = writer.acknowledged();
        eventually().atMost(LONG).until(() -> writer.acknowledged() >= ackedAtRestart + 150);
        writer.close();

        String after = route(kw, "after", upstream);
        awaitServed(kw, after, upstream);
        assertThat(kw.proxyGet(before + "/again").body())
            .isEqualTo(upstream.answer(before + "/again"));

        assertThat(writer.unexpected).as("answers other than 2xx/5xx").isEmpty();
        List<WriteLoad.Ack> acks = List.copyOf(writer.acks);
        assertThat(acks)
            .extracting(WriteLoad.Ack::revision)
            .as("one writer's revisions increase")
            .isSorted()
            .doesNotHaveDuplicates();
        for (WriteLoad.Ack ack : acks) {
          assertStored(kw, ack);
        }

        List<ResumingWatch.Change> truth = changesInTable(kw, prefix);
        long last = truth.get(truth.size() - 1).revision();
        eventually().atMost(LONG).until(() -> watch.lastChange() >= last);
        assertThat(watch.changes)
            .as("every revision of %s once, in order (%s)", prefix, watch)
            .containsExactlyElementsOf(truth);
        assertThat(watch.connections)
            .as("the watcher resumed after its connection broke")
            .hasValueGreaterThanOrEqualTo(2);

        System.out.printf(
            "FAULT postgres-restart: %s; %d failures while down, %d acknowledged after stop() returned;"
                + " proxy while down %s; %s; %d changes under %s%n",
            writer, failuresWhileDown, ackedWhileDown, proxyDown, watch, truth.size(), prefix);
      }
    }
  }

  @Test
  void
      aDatabaseGonePastTheHeartbeatEndsEveryWatchStreamWithA503AndTheResumedStreamMissesAndRepeatsNothing()
          throws Exception {
    String prefix = "/faults/loss/";
    Duration heartbeat = Duration.ofSeconds(2);
    try (Keywatch kw = Keywatch.startPrivate("faults-db-loss", o -> withHeartbeat(o, heartbeat));
        ResumingWatch watch = new ResumingWatch(kw, "loss", prefix, 1)) {
      for (int i = 0; i < 5; i++) {
        assertThat(kw.adminPut("/kv" + prefix + i, "\"before\"").statusCode()).isIn(200, 201);
      }
      long before = kw.system().storeRevision();
      eventually().until(() -> watch.lastChange() >= before);
      assertThat(watch.errorEvents).isEmpty();

      long stopped = System.nanoTime();
      kw.postgres().stop();
      long errorMillis;
      try {
        // the heartbeat, and slack for a busy machine: without the deadline the stream sent
        // progress forever
        eventually().atMost(heartbeat.plusSeconds(8)).until(() -> !watch.errorEvents.isEmpty());
        errorMillis = TimeUnit.NANOSECONDS.toMillis(watch.errorNanos.get(0) - stopped);
        JsonObject problem =
            Json.createReader(new StringReader(watch.errorEvents.get(0))).readObject();
        assertThat(problem.getInt("status")).as("%s", problem).isEqualTo(503);
        // the stream was closed after it: the client came back (and is told again while it lasts)
        eventually()
            .atMost(LONG)
            .until(() -> watch.connections.get() >= 2 || !watch.refusals.isEmpty());
      } finally {
        kw.postgres().start();
      }
      for (int i = 5; i < 10; i++) {
        String key = "/kv" + prefix + i;
        eventually()
            .atMost(LONG)
            .until(() -> kw.adminPut(key, "\"after\"").statusCode() / 100 == 2);
      }
      List<ResumingWatch.Change> truth = changesInTable(kw, prefix);
      long last = truth.get(truth.size() - 1).revision();
      eventually().atMost(LONG).until(() -> watch.lastChange() >= last);
      assertThat(truth).hasSizeGreaterThanOrEqualTo(10);
      assertThat(watch.changes)
          .as("every revision of %s once, in order (%s)", prefix, watch)
          .containsExactlyElementsOf(truth);
      System.out.printf(
          "FAULT db-loss: first event: error %d ms after PostgreSQL stopped (heartbeat %d ms); %s%n",
          errorMillis, heartbeat.toMillis(), watch);
    }
  }

  /**
   * The restore of issue 16, done from outside with JDBC in one commit: a backup taken at B, three
   * route writes to H = B + 3, then every row deleted, the backup's rows put back, the counter set
   * back to B and five new routes written, to B + 5, past H. The gateway must reload: the routes of
   * B + 1 .. H answer 404 and all five new ones are served.
   */
  @Test
  void aBackupRestoredUnderTheSameStoreIdMakesTheGatewayReload() throws Exception {
    Duration heartbeat = Duration.ofSeconds(2);
    try (Upstream upstream = new Upstream("R");
        Keywatch kw = Keywatch.startPrivate("faults-restore", o -> withHeartbeat(o, heartbeat))) {
      List<String> kept = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        kept.add(route(kw, "kept", upstream));
      }
      BackupRestore backup = BackupRestore.take(kw);
      List<String> gone = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        gone.add(route(kw, "gone", upstream));
      }
      for (String base : gone) {
        awaitServed(kw, base, upstream);
      }

      long restored = System.nanoTime();
      List<String> added = backup.restoreAndRoute(5, upstream);
      backup.awaitReloaded(gone, added, upstream, heartbeat.plusSeconds(8));
      long reloadMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restored);
      for (String base : kept) {
        awaitServed(kw, base, upstream);
      }
      assertThat(kw.system().storeRevision()).isEqualTo(backup.revision() + 5);
      System.out.printf(
          "FAULT restore: gateway reloaded %d ms after the restore's commit (heartbeat %d ms)%n",
          reloadMillis, heartbeat.toMillis());
    }
  }

  private static void withHeartbeat(KeywatchSystem.Builder options, Duration heartbeat) {
    for (ServerRole role : ServerRole.values()) {
      options.env(role, "KEYWATCH_WATCH_HEARTBEAT", heartbeat.toString());
    }
  }

  @Test
  void twoAdminsOnOneStoreGiveOneOrderOfRevisionsAndBothProxiesFollowBoth() throws Exception {
    int writersPerAdmin = 2;
    int writesEach = 60;
    try (Upstream upA = new Upstream("A");
        Upstream upB = new Upstream("B");
        Keywatch a = Keywatch.startPrivate("faults-two-a");
        Keywatch b =
            Keywatch.startPrivate(
                "faults-two-b", o -> o.jdbcUrl(a.jdbcUrl()).jdbcUser(a.system().jdbcUser()))) {
      List<WriteLoad> writers = new ArrayList<>();
      try {
        for (int i = 0; i < writersPerAdmin; i++) {
          writers.add(new WriteLoad(a, "a" + i, "/faults/two/a" + i + "/", 5, writesEach));
          writers.add(new WriteLoad(b, "b" + i, "/faults/two/b" + i + "/", 5, writesEach));
        }
        // routes written on one admin while the load runs, served by both proxies
        String viaA = route(a, "via-a", upA);
        String viaB = route(b, "via-b", upB);
        for (Keywatch proxy : List.of(a, b)) {
          awaitServed(proxy, viaA, upA);
          awaitServed(proxy, viaB, upB);
        }
        for (WriteLoad w : writers) {
          assertThat(w.awaitDone(LONG)).as("%s finished", w).isTrue();
        }
      } finally {
        writers.forEach(WriteLoad::close);
      }
      for (WriteLoad w : writers) {
        assertThat(w.failures()).as("failed writes of %s", w).isZero();
        assertThat(w.unexpected).isEmpty();
        assertThat(w.acknowledged()).isEqualTo(writesEach);
      }

      long n = a.system().storeRevision();
      List<WriteLoad.Ack> acks = writers.stream().flatMap(w -> w.acks.stream()).toList();
      assertThat(acks)
          .extracting(WriteLoad.Ack::revision)
          .as("no two acknowledged writes share a revision")
          .doesNotHaveDuplicates();
      assertThat(n)
          .as(
              "every write is one revision after the empty store's 1: the acknowledged ones and two routes")
          .isEqualTo(1 + acks.size() + 2);

      try (ResumingWatch watchA = new ResumingWatch(a, "admin-a", "/", 1);
          ResumingWatch watchB = new ResumingWatch(b, "admin-b", "/", 1)) {
        eventually().atMost(LONG).until(() -> watchA.lastChange() >= n && watchB.lastChange() >= n);
        List<Long> gapFree = LongStream.rangeClosed(2, n).boxed().toList();
        assertThat(watchA.revisions())
            .as("admin A's stream: %s", watchA)
            .containsExactlyElementsOf(gapFree);
        assertThat(watchB.changes)
            .as("admin B's stream is admin A's: %s", watchB)
            .containsExactlyElementsOf(watchA.changes);
        assertThat(changesInTable(a, "/"))
            .as("the table")
            .containsExactlyElementsOf(watchA.changes);
        Set<String> seen = new HashSet<>();
        watchA.changes.forEach(c -> seen.add(c.revision() + " " + c.key()));
        assertThat(acks)
            .allSatisfy(ack -> assertThat(seen).contains(ack.revision() + " " + ack.key()));
        System.out.printf(
            "FAULT two-admins: %s; %s; %s; %s; store revision %d%n",
            writers, watchA, watchB, "proxies A and B serve routes of both admins", n);
      }
    }
  }

  /** Writes a route {@code /<id>/*} to that upstream on this system's admin; its path prefix. */
  private static String route(Keywatch admin, String name, Upstream upstream) {
    String id = Keywatch.uniqueId(name);
    String base = "/" + id;
    HttpResponse<String> put =
        admin.adminPut(
            "/routes/" + id,
            "{\"uri\": \"" + base + "/*\", \"upstream\": \"" + upstream.url() + "\"}");
    assertThat(put.statusCode()).as("route %s: %s", id, put.body()).isIn(200, 201);
    return base;
  }

  private static void awaitServed(Keywatch proxy, String base, Upstream upstream) {
    String path = base + "/probe";
    eventually()
        .untilAsserted(
            () -> assertThat(proxy.proxyGet(path).body()).isEqualTo(upstream.answer(path)));
  }

  /**
   * A server's readiness check of its watch feed. Its {@code connected} flag is not there: Payara
   * leaves boolean data out of the answer. The admin's check is DOWN while the feed has lost the
   * store; the proxy's stays UP (it serves its last routes) and counts its reconnects.
   */
  private static JsonObject feedCheck(Keywatch kw, URI server) {
    HttpResponse<String> r =
        kw.send(
            HttpRequest.newBuilder(server.resolve("/health/ready"))
                .timeout(Duration.ofSeconds(10))
                .GET());
    return Keywatch.json(r).getJsonArray("checks").getValuesAs(JsonObject.class).stream()
        .filter(c -> c.getString("name").equals("keywatch-watch"))
        .findFirst()
        .orElseThrow();
  }

  private static long reconnects(Keywatch kw, URI server) {
    // Payara may render a check's numbers as strings
    return Long.parseLong(
        feedCheck(kw, server).getJsonObject("data").get("reconnects").toString().replace("\"", ""));
  }

  /** An acknowledged write, read back as of its revision. */
  private static void assertStored(Keywatch kw, WriteLoad.Ack ack) {
    HttpResponse<String> r = kw.adminGet("/kv" + ack.key() + "?rev=" + ack.revision());
    assertThat(r.statusCode()).as("%s: %s", ack, r.body()).isEqualTo(200);
    JsonObject kv = Keywatch.json(r);
    assertThat(kv.getJsonNumber("modRevision").longValue()).as("%s", ack).isEqualTo(ack.revision());
    assertThat(
            new String(Base64.getDecoder().decode(kv.getString("value")), StandardCharsets.UTF_8))
        .as("%s", ack)
        .isEqualTo(ack.value());
  }

  /**
   * Every change under a prefix as the kv table holds it (nothing is compacted here), in revision
   * order.
   */
  private static List<ResumingWatch.Change> changesInTable(Keywatch kw, String prefix)
      throws SQLException {
    try (Connection c = kw.dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT revision, value IS NULL, key FROM kv WHERE starts_with(key, ?) ORDER BY revision")) {
      s.setString(1, prefix);
      List<ResumingWatch.Change> changes = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          changes.add(
              new ResumingWatch.Change(
                  rs.getLong(1), rs.getBoolean(2) ? "delete" : "put", rs.getString(3)));
        }
      }
      return changes;
    }
  }
}
