package io.keywatch.admin;

import static io.keywatch.admin.Answers.problem;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.launcher.ServerRole;
import io.keywatch.testing.Keywatch;
import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An admin server with settings the shared system does not have: no API key (a fresh install) and a
 * short retention. One private system serves both, as starting one costs the better part of a
 * minute here; with no key the admin API refuses everything, so the retention is observed (and the
 * store written) directly in PostgreSQL, through the same SQL functions the Java store calls.
 */
class FreshInstallIT {

  private static Keywatch kw;

  @BeforeAll
  static void start() {
    kw =
        Keywatch.startPrivate(
            "fresh-install",
            o ->
                o.env(ServerRole.ADMIN, "KEYWATCH_API_KEY", "")
                    .env(ServerRole.ADMIN, "KEYWATCH_RETENTION", "PT1S")
                    .env(ServerRole.ADMIN, "KEYWATCH_RETENTION_INTERVAL", "PT0.5S"));
  }

  @AfterAll
  static void stop() {
    if (kw != null) {
      kw.close();
    }
  }

  @Test
  void withoutAConfiguredKeyEveryCallIs401AndSaysHowToSetOne() {
    for (String key : new String[] {null, "", "anything", kw.apiKey()}) {
      HttpRequest.Builder r =
          HttpRequest.newBuilder(kw.adminUri().resolve("/routes"))
              .timeout(Duration.ofSeconds(30))
              .GET();
      if (key != null) {
        r.header("X-API-KEY", key);
      }
      assertThat(problem(kw.send(r), 401).getString("detail"))
          .as("key %s", key)
          .contains("KEYWATCH_API_KEY", "keywatch.api-key");
    }
    assertThat(
            kw.send(HttpRequest.newBuilder(kw.adminUri().resolve("/health/ready")).GET())
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void retentionCompactsSupersededHistoryOnItsOwn() throws SQLException {
    String key = "/retention/" + Keywatch.uniqueId("k");
    sql("SELECT kv_put('" + key + "', 'v1'::bytea)");
    long second = sqlLong("SELECT revision FROM kv_put('" + key + "', 'v2'::bytea)");
    Keywatch.eventually().until(() -> sqlLong("SELECT compacted FROM kv_revision") >= second);
    assertThat(sqlLong("SELECT count(*) FROM kv WHERE key = '" + key + "'"))
        .as("only the live value is kept")
        .isEqualTo(1);
    assertThat(sqlLong("SELECT revision FROM kv WHERE key = '" + key + "'")).isEqualTo(second);
  }

  private static void sql(String statement) throws SQLException {
    try (Connection c = kw.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  private static long sqlLong(String query) throws SQLException {
    try (Connection c = kw.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
