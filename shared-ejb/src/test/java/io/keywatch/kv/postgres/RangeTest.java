package io.keywatch.kv.postgres;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywatch.kv.CompactedException;
import io.keywatch.kv.DeleteRangeResult;
import io.keywatch.kv.FutureRevisionException;
import io.keywatch.kv.InvalidRequestException;
import io.keywatch.kv.KeyRange;
import io.keywatch.kv.KeyValue;
import io.keywatch.kv.KvEvent;
import io.keywatch.kv.KvStore;
import io.keywatch.kv.RangeQuery;
import io.keywatch.kv.RangeQuery.SortOrder;
import io.keywatch.kv.RangeQuery.SortTarget;
import io.keywatch.kv.RangeResult;
import io.keywatch.testdb.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** etcd's Range and DeleteRange on a real PostgreSQL, with the answers etcd 3.4 gives. */
class RangeTest {

  private TestDatabase db;
  private KvStore store;

  @BeforeEach
  void freshStore() {
    db = TestDatabase.create();
    store = new PgKvStore(db.pool(), 1024, 64, 128, 10_000);
  }

  @AfterEach
  void dropStore() {
    db.close();
  }

  private static byte[] v(String s) {
    return s.getBytes(UTF_8);
  }

  private List<String> keys(RangeQuery q) {
    return store.range(q).kvs().stream().map(KeyValue::key).toList();
  }

  @Test
  void rangeEndFollowsEtcdsRules() {
    for (String k : List.of("/a", "/b", "/b/c", "/c", "/d")) {
      store.put(k, v(k));
    }
    assertThat(keys(RangeQuery.of("/b", ""))).containsExactly("/b");
    assertThat(keys(RangeQuery.of("/b", "/c"))).containsExactly("/b", "/b/c");
    assertThat(keys(RangeQuery.of("/b", KeyRange.FROM_KEY)))
        .containsExactly("/b", "/b/c", "/c", "/d");
    assertThat(keys(RangeQuery.of("\0", KeyRange.FROM_KEY)))
        .as("etcdctl get --from-key ''")
        .hasSize(5);
    assertThat(keys(RangeQuery.of(KeyRange.prefix("/b")))).containsExactly("/b", "/b/c");
    assertThat(keys(RangeQuery.of("/b\0", KeyRange.FROM_KEY)))
        .as("above /b")
        .containsExactly("/b/c", "/c", "/d");
    assertThat(keys(RangeQuery.of("/a", "/b\0")))
        .as("up to /b inclusive")
        .containsExactly("/a", "/b");
    assertThat(keys(RangeQuery.of("/c", "/b"))).as("an end below the key").isEmpty();
    assertThat(store.range(RangeQuery.of("/none", "")).count()).isZero();
    assertThatThrownBy(() -> RangeQuery.of("", ""))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> assertThat(e).hasMessage("etcdserver: key is not provided"));
  }

  @Test
  void limitReportsMoreAndCountIsTheWholeRange() {
    for (int i = 1; i <= 5; i++) {
      store.put("/l/" + i, v("v"));
    }
    RangeResult two = store.range(RangeQuery.of(KeyRange.prefix("/l/")).limitedTo(2));
    assertThat(two.kvs()).extracting(KeyValue::key).containsExactly("/l/1", "/l/2");
    assertThat(two.more()).isTrue();
    assertThat(two.count()).isEqualTo(5);
    RangeResult five = store.range(RangeQuery.of(KeyRange.prefix("/l/")).limitedTo(5));
    assertThat(five.more()).isFalse();
    assertThat(five.kvs()).hasSize(5);
    RangeResult counted = store.range(RangeQuery.of(KeyRange.prefix("/l/")).counting());
    assertThat(counted.kvs()).isEmpty();
    assertThat(counted.count()).isEqualTo(5);
    // Kubernetes' paging: the next page starts just above the last key
    assertThat(keys(RangeQuery.of("/l/2\0", KeyRange.prefix("/l/").rangeEnd()).limitedTo(2)))
        .containsExactly("/l/3", "/l/4");
  }

  @Test
  void revisionZeroIsTheLatestAndOtherRevisionsSeeThePast() {
    store.put("/a", v("1")); // 2
    store.put("/b", v("1")); // 3
    store.delete("/a"); // 4
    store.put("/a", v("2")); // 5

    RangeResult now = store.range(RangeQuery.of("/", KeyRange.FROM_KEY));
    assertThat(now.kvs()).extracting(KeyValue::valueAsString).containsExactly("2", "1");
    assertThat(now.revision()).isEqualTo(5);
    RangeResult at3 = store.range(RangeQuery.of("/", KeyRange.FROM_KEY).atRevision(3));
    assertThat(at3.kvs())
        .extracting(KeyValue::key, KeyValue::modRevision)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("/a", 2L),
            org.assertj.core.groups.Tuple.tuple("/b", 3L));
    assertThat(at3.revision()).as("the header is the current revision, as etcd's").isEqualTo(5);
    assertThat(keys(RangeQuery.of("/", KeyRange.FROM_KEY).atRevision(4))).containsExactly("/b");
    assertThatThrownBy(() -> store.range(RangeQuery.of("/a", "").atRevision(6)))
        .isInstanceOf(FutureRevisionException.class);
    store.compact(3);
    assertThatThrownBy(() -> store.range(RangeQuery.of("/a", "").atRevision(2)))
        .isInstanceOf(CompactedException.class);
    assertThat(keys(RangeQuery.of("/a", "").atRevision(3))).containsExactly("/a");
  }

  @Test
  void anEmptyStoreReadsAtRevisionOneBeforeAndAfterCompactingToIt() {
    RangeResult empty = store.range(RangeQuery.of("\0", KeyRange.FROM_KEY).atRevision(1));
    assertThat(empty.kvs()).isEmpty();
    assertThat(empty.revision()).isEqualTo(1);
    store.compact(1);
    assertThat(store.range(RangeQuery.of("\0", KeyRange.FROM_KEY).atRevision(1)).kvs()).isEmpty();
    assertThat(store.range(RangeQuery.of("\0", KeyRange.FROM_KEY)).revision()).isEqualTo(1);
  }

  @Test
  void sortOrdersAndTargetsAsEtcd() {
    store.put("/s/b", v("2")); // 2
    store.put("/s/a", v("3")); // 3
    store.put("/s/c", v("1")); // 4
    store.put("/s/a", v("4")); // 5: /s/a has version 2
    KeyRange s = KeyRange.prefix("/s/");
    assertThat(keys(RangeQuery.of(s).sorted(SortOrder.DESCEND, SortTarget.KEY)))
        .containsExactly("/s/c", "/s/b", "/s/a");
    assertThat(keys(RangeQuery.of(s).sorted(SortOrder.NONE, SortTarget.VERSION)))
        .as("NONE sorts ascending then")
        .containsExactly("/s/b", "/s/c", "/s/a");
    assertThat(keys(RangeQuery.of(s).sorted(SortOrder.ASCEND, SortTarget.CREATE)))
        .containsExactly("/s/b", "/s/a", "/s/c");
    assertThat(keys(RangeQuery.of(s).sorted(SortOrder.ASCEND, SortTarget.VALUE)))
        .containsExactly("/s/c", "/s/b", "/s/a");
    RangeResult newest =
        store.range(RangeQuery.of(s).sorted(SortOrder.DESCEND, SortTarget.MOD).limitedTo(1));
    assertThat(newest.kvs()).extracting(KeyValue::key).containsExactly("/s/a");
    assertThat(newest.more()).isTrue();
    assertThat(keys(RangeQuery.of(s).sorted(SortOrder.ASCEND, SortTarget.VALUE).withoutValues()))
        .as("keys_only still sorts by the values")
        .containsExactly("/s/c", "/s/b", "/s/a");
  }

  /** The session run against etcd 3.4.23's gateway: puts of /a, /b, /c, /a again. */
  @Test
  void revisionFiltersPruneTheKeysButNotTheCount() {
    store.put("/a", v("1")); // 2
    store.put("/b", v("2")); // 3
    store.put("/c", v("3")); // 4
    store.put("/a", v("11")); // 5
    RangeResult maxMod3 = store.range(RangeQuery.of("/a", "/z").limitedTo(1).modRevisions(0, 3));
    assertThat(maxMod3.kvs()).extracting(KeyValue::key).containsExactly("/b");
    assertThat(maxMod3.more()).isFalse();
    assertThat(maxMod3.count()).isEqualTo(3);
    RangeResult minMod4 = store.range(RangeQuery.of("/a", "/z").limitedTo(1).modRevisions(4, 0));
    assertThat(minMod4.kvs()).extracting(KeyValue::key).containsExactly("/a");
    assertThat(minMod4.more()).isTrue();
    assertThat(keys(RangeQuery.of("/a", "/z").createRevisions(3, 4))).containsExactly("/b", "/c");
    assertThat(keys(RangeQuery.of("/a", "/z").createRevisions(0, 2))).containsExactly("/a");
    RangeResult none = store.range(RangeQuery.of("/a", "/z").modRevisions(100, 0));
    assertThat(none.kvs()).isEmpty();
    assertThat(none.count()).isEqualTo(3);
  }

  @Test
  void keysOnlyLeavesTheValuesOut() {
    store.put("/k", v("value"));
    KeyValue kv = store.range(RangeQuery.of("/k", "").withoutValues()).kvs().get(0);
    assertThat(kv.value()).isEmpty();
    assertThat(kv.isTombstone()).isFalse();
    assertThat(kv.version()).isEqualTo(1);
  }

  @Test
  void keysCompareAsUtf8BytesNotAsJavaStrings() {
    List<String> byteOrder = List.of("/a", "/é", "/\uE000", "/😀");
    for (int i = byteOrder.size() - 1; i >= 0; i--) {
      store.put(byteOrder.get(i), v("x"));
    }
    assertThat(keys(RangeQuery.of("/", KeyRange.FROM_KEY))).containsExactlyElementsOf(byteOrder);
    assertThat("/\uE000".compareTo("/😀")).as("UTF-16 order differs").isPositive();
    assertThat(KeyRange.compare("/\uE000", "/😀")).isNegative();
    assertThat(keys(RangeQuery.of("/\uE000", "/\uF000"))).containsExactly("/\uE000");
  }

  /**
   * etcdctl sends arbitrary bytes; stored keys are UTF-8, so other bounds are moved to the next
   * one.
   */
  @Test
  void boundsThatAreNotUtf8BoundTheSameKeysAsEtcdsBytes() {
    for (String k : List.of("/a", "/a/x", "/b", "/\u00bf", "/\u00bfx", "/\u00c0")) {
      store.put(k, v(k));
    }
    byte[] aThenFf = {'/', 'a', (byte) 0xFF};
    assertThat(keys(RangeQuery.of(KeyRange.ofBytes(aThenFf, new byte[] {0}))))
        .containsExactly("/b", "/\u00bf", "/\u00bfx", "/\u00c0");
    // etcdctl get --prefix "/\u00bf": the range end is the prefix with its last byte + 1, C2 C0
    byte[] inverted = {'/', (byte) 0xC2, (byte) 0xBF};
    byte[] prefixEnd = {'/', (byte) 0xC2, (byte) 0xC0};
    assertThat(keys(RangeQuery.of(KeyRange.ofBytes(inverted, prefixEnd))))
        .containsExactly("/\u00bf", "/\u00bfx");
    assertThat(keys(RangeQuery.of(KeyRange.ofBytes(aThenFf, new byte[0]))))
        .as("no key is not UTF-8")
        .isEmpty();
    assertThat(keys(RangeQuery.of(KeyRange.ofBytes("/a".getBytes(UTF_8), new byte[0]))))
        .containsExactly("/a");
    assertThat(keys(RangeQuery.of(KeyRange.ofBytes(new byte[] {0}, new byte[] {0})))).hasSize(6);
    assertThat(
            keys(
                RangeQuery.of(
                    KeyRange.ofBytes(
                        new byte[] {'/', 'a', (byte) 0xE2, (byte) 0x82}, new byte[] {'/', 'b'}))))
        .as("above /a and its incomplete euro sign")
        .isEmpty();
  }

  @Test
  void deleteRangeTombstonesEveryLiveKeyWithConsecutiveRevisionsInOneTransaction() {
    store.put("/d/1", v("1")); // 2
    store.put("/d/2", v("2")); // 3
    store.put("/d/3", v("3")); // 4
    store.put("/e", v("e")); // 5
    store.delete("/d/2"); // 6

    DeleteRangeResult deleted = store.deleteRange("/d/", KeyRange.prefix("/d/").rangeEnd(), true);

    assertThat(deleted.deleted()).isEqualTo(2);
    assertThat(deleted.prevKvs())
        .extracting(KeyValue::key, KeyValue::valueAsString)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("/d/1", "1"),
            org.assertj.core.groups.Tuple.tuple("/d/3", "3"));
    assertThat(deleted.revision()).isEqualTo(8);
    List<KvEvent> events = store.changes(6, 8, "/", 100);
    assertThat(events).extracting(KvEvent::revision).containsExactly(7L, 8L);
    assertThat(events).extracting(KvEvent::type).containsOnly(KvEvent.Type.DELETE);
    assertThat(events)
        .extracting(KvEvent::txnRevision)
        .as("one transaction for watchers")
        .containsOnly(7L);
    assertThat(keys(RangeQuery.of("/", KeyRange.FROM_KEY))).containsExactly("/e");
    assertThat(store.deleteRange("/d/", KeyRange.prefix("/d/").rangeEnd(), false).prevKvs())
        .isEmpty();
  }

  @Test
  void deleteRangeOfNothingWritesNothingAndFromKeyDeletesEverything() {
    store.put("/a", v("1"));
    store.put("/b", v("1"));
    DeleteRangeResult nothing = store.deleteRange("/x", "/y", true);
    assertThat(nothing.deleted()).isZero();
    assertThat(nothing.revision()).isEqualTo(3);
    assertThat(store.revisions().current()).isEqualTo(3);
    DeleteRangeResult all = store.deleteRange("\0", KeyRange.FROM_KEY, false);
    assertThat(all.deleted()).isEqualTo(2);
    assertThat(all.prevKvs()).isEmpty();
    assertThat(store.range(RangeQuery.of("\0", KeyRange.FROM_KEY).counting()).count()).isZero();
  }

  @Test
  void aRangeReadsTheKeyIndexOnAHundredThousandRows() throws Exception {
    db.execute(
        "SELECT count(*) FROM kv_put_many(array(SELECT '/big/' || i FROM generate_series(1, 100000) i),"
            + " array(SELECT '\\x01'::bytea FROM generate_series(1, 100000)))");
    db.execute("ANALYZE kv");
    KeyRange prefix = KeyRange.prefix("/big/1234");
    RangeQuery q = RangeQuery.of(prefix).limitedTo(10);
    assertThat(store.range(q).count()).isEqualTo(11); // /big/1234 and /big/12340 to /big/12349

    String sql = PgStatements.range(false, RangeRead.orderBy(q), false).text();
    List<String> args =
        List.of(
            literal(prefix.from()),
            literal(prefix.to()),
            "100001",
            "0",
            "0",
            "0",
            "0",
            "0",
            "0",
            "11");
    String plan = explain(sql, args);
    System.out.println("EXPLAIN of a prefix range on 100,000 keys:\n" + plan);
    // kv_revision, the one row of the store's revisions, may be read by a scan
    assertThat(plan)
        .contains("Index Scan using kv_key_revision")
        .doesNotContainPattern("Seq Scan on kv\\b");
    // a single key's statement is server-prepared: its generic plan, for any key, is one probe
    assertThat(
            explainGeneric(
                PgStatements.range(true, "key", false).text(),
                List.of(
                    "'/big/5'", "'/big/5\u0001'", "100001", "0", "0", "0", "0", "0", "0", "NULL")))
        .contains("Index Scan using kv_key_revision")
        .doesNotContainPattern("Seq Scan on kv\\b");
  }

  private static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  /** The plan PostgreSQL keeps for a prepared statement, whatever the values. */
  private String explainGeneric(String statement, List<String> arguments) throws Exception {
    String sql = statement;
    for (int i = 1; sql.contains("?"); i++) {
      sql = sql.replaceFirst("\\?", "\\$" + i);
    }
    List<String> lines = new ArrayList<>();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("SET plan_cache_mode = force_generic_plan");
      s.execute("PREPARE generic AS " + sql);
      try (ResultSet rs =
          s.executeQuery("EXPLAIN EXECUTE generic(" + String.join(", ", arguments) + ")")) {
        while (rs.next()) {
          lines.add(rs.getString(1));
        }
      } finally {
        s.execute("DEALLOCATE generic");
        s.execute("RESET plan_cache_mode");
      }
    }
    return String.join("\n", lines);
  }

  /**
   * The plan of a statement for these values (as RangeRead runs a range: never server-prepared).
   */
  private String explain(String statement, List<String> arguments) throws Exception {
    String sql = statement;
    for (String a : arguments) {
      sql = sql.replaceFirst("\\?", Matcher.quoteReplacement(a));
    }
    List<String> lines = new ArrayList<>();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("EXPLAIN " + sql)) {
      while (rs.next()) {
        lines.add(rs.getString(1));
      }
    }
    return String.join("\n", lines);
  }
}
