package io.keywatch.kv.postgres;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.kv.KvStore;
import io.keywatch.kv.Txn;
import io.keywatch.testdb.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A database that an older release migrated (V1 to V4, functions defined in the versioned files)
 * and filled upgrades to the functions of {@code R__kv_functions.sql} with its data untouched, and
 * ends with the same functions as a fresh install.
 */
class SchemaUpgradeTest {

  private static final String ROWS =
      "SELECT revision || ' ' || key || ' ' || coalesce(encode(value, 'escape'), '-') || ' create=' || create_revision"
          + " || ' version=' || version || ' prev=' || coalesce(prev_revision::text, '-') || ' txn=' || txn_revision"
          + " || ' at=' || created_at FROM kv ORDER BY revision";
  private static final String REVISIONS =
      "SELECT store_id || ' ' || current || ' ' || compacted FROM kv_revision";
  private static final String FUNCTIONS =
      "SELECT p.oid::regprocedure::text, pg_get_functiondef(p.oid) FROM pg_proc p"
          + " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = current_schema() AND p.proname LIKE 'kv%'";

  @Test
  void aDatabaseOfV4WithDataUpgradesWithEveryRowAndRevisionIntact() throws Exception {
    try (TestDatabase db = TestDatabase.createAt("4")) {
      assertThat(column(db, "SELECT count(*) FROM flyway_schema_history WHERE version IS NULL"))
          .containsExactly("0");
      // written through V4's functions: puts, a group commit, a delete, a two-key transaction,
      // compaction
      db.execute("SELECT kv_put('/a', '1'); SELECT kv_put('/a', '2'); SELECT kv_put('/b', '3')");
      db.execute(
          "SELECT count(*) FROM kv_put_many(ARRAY['/c', '/a', '/d'], ARRAY['4', '5', '6']::bytea[])");
      db.execute("SELECT kv_delete('/b')");
      db.execute("SELECT kv_put('/t/2', '8', (kv_put('/t/1', '7')).revision)");
      db.execute("SELECT kv_compact(3)");
      List<String> rows = column(db, ROWS);
      List<String> revisions = column(db, REVISIONS);
      assertThat(rows).hasSize(8);

      db.migrate();

      assertThat(column(db, ROWS)).containsExactlyElementsOf(rows);
      assertThat(column(db, REVISIONS)).containsExactlyElementsOf(revisions);
      KvStore store = new PgKvStore(db.pool(), 1024, 64, 128, 10_000);
      assertThat(store.put("/a", "9".getBytes(UTF_8)).kv())
          .satisfies(
              kv -> {
                assertThat(kv.modRevision()).isEqualTo(10);
                assertThat(kv.createRevision()).isEqualTo(1);
                assertThat(kv.version()).isEqualTo(4);
              });
      assertThat(store.put("/b", "10".getBytes(UTF_8)).kv().version()).isEqualTo(1);
      assertThat(
              store
                  .txn(
                      new Txn(
                          List.of(new Txn.Compare("/t/1", 8)),
                          List.of(new Txn.Delete("/t/1")),
                          List.of()))
                  .succeeded())
          .isTrue();
      assertThat(store.get("/a", 5)).map(kv -> kv.valueAsString()).contains("5");
      assertThat(store.list("/").kvs())
          .extracting(kv -> kv.key())
          .containsExactly("/a", "/b", "/c", "/d", "/t/2");
      assertThat(store.revisions().current()).isEqualTo(12);
      assertThat(store.history("/a"))
          .extracting(kv -> kv.lease())
          .as("rows of V4 are on no lease")
          .containsOnly(0L);
      long lease = new PgLeaseStore(db.pool(), 2).grant(0, 60).id();
      assertThat(store.put("/c", "11".getBytes(UTF_8), lease).kv().lease()).isEqualTo(lease);
    }
  }

  @Test
  void anUpgradedDatabaseHasTheFunctionsOfAFreshOne() throws Exception {
    try (TestDatabase upgraded = TestDatabase.createAt("4");
        TestDatabase fresh = TestDatabase.create()) {
      upgraded.migrate();
      Map<String, String> functions = functions(fresh);
      assertThat(functions)
          .containsKeys(
              "kv_lock()",
              "kv_append_with_prev(bigint,text,bytea,bigint,bigint)",
              "kv_compact_before(timestamp with time zone)");
      assertThat(functions(upgraded)).containsExactlyEntriesOf(functions);
    }
  }

  private static Map<String, String> functions(TestDatabase db) throws SQLException {
    Map<String, String> byName = new TreeMap<>();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(FUNCTIONS)) {
      while (rs.next()) {
        byName.put(rs.getString(1), rs.getString(2));
      }
    }
    return byName;
  }

  private static List<String> column(TestDatabase db, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return values;
  }
}
