package io.keywatch.faults;

import static io.keywatch.testing.Keywatch.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.testing.Keywatch;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The restore of issue 16, done from outside with JDBC as an operator would: a copy of the kv table
 * taken at revision B; later, in one commit, every row deleted, the copy's rows put back, the
 * counter set back to B and new routes written past it, maybe past the old head. A gateway must
 * reload: what was written after B is gone, and the new routes are served.
 */
final class BackupRestore {

  private final Keywatch kw;
  private final long revision;

  private BackupRestore(Keywatch kw, long revision) {
    this.kw = kw;
    this.revision = revision;
  }

  /** Copies the kv table (to {@code kv_backup}) at the store's current revision. */
  static BackupRestore take(Keywatch kw) throws SQLException {
    long revision = kw.system().storeRevision();
    sql(kw, "CREATE TABLE kv_backup AS SELECT * FROM kv");
    return new BackupRestore(kw, revision);
  }

  /** The store's revision when the copy was taken. */
  long revision() {
    return revision;
  }

  /**
   * Restores the copy and writes {@code count} routes {@code /<id>/*} to {@code upstream} after it,
   * in one commit; their path prefixes.
   */
  List<String> restoreAndRoute(int count, Upstream upstream) throws SQLException {
    StringBuilder restore =
        new StringBuilder(
            "BEGIN; DELETE FROM kv; INSERT INTO kv SELECT * FROM kv_backup;"
                + " UPDATE kv_revision SET current = "
                + revision
                + ";");
    List<String> added = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = Keywatch.uniqueId("new");
      added.add("/" + id);
      restore
          .append(" SELECT kv_put('/routes/")
          .append(id)
          .append("', convert_to('{\"uri\": \"/")
          .append(id)
          .append("/*\", \"upstream\": \"")
          .append(upstream.url())
          .append("\"}', 'UTF8'));");
    }
    sql(kw, restore.append(" COMMIT").toString());
    return added;
  }

  /**
   * Waits until the gateway has reloaded: each route of {@code gone} answers 404, and {@code
   * upstream} serves each one of {@code added}.
   */
  void awaitReloaded(List<String> gone, List<String> added, Upstream upstream, Duration atMost) {
    eventually()
        .atMost(atMost)
        .untilAsserted(
            () -> {
              for (String base : gone) {
                assertThat(kw.proxyGet(base + "/probe").statusCode())
                    .as("route %s after the restore", base)
                    .isEqualTo(404);
              }
              for (String base : added) {
                assertThat(kw.proxyGet(base + "/probe").body())
                    .isEqualTo(upstream.answer(base + "/probe"));
              }
            });
  }

  private static void sql(Keywatch kw, String statements) throws SQLException {
    try (Connection c = kw.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute(statements);
    }
  }
}
