package io.keywatch.kv.postgres;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywatch.kv.DeleteResult;
import io.keywatch.kv.FutureRevisionException;
import io.keywatch.kv.InvalidKeyException;
import io.keywatch.kv.KeyValue;
import io.keywatch.kv.KvEvent;
import io.keywatch.kv.KvStore;
import io.keywatch.kv.LeaseNotFoundException;
import io.keywatch.kv.PutResult;
import io.keywatch.kv.Range;
import io.keywatch.kv.Txn;
import io.keywatch.kv.TxnResult;
import io.keywatch.kv.ValueTooLargeException;
import io.keywatch.testdb.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** etcd's key-value semantics on a real PostgreSQL. */
class KvStoreTest {

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

  @Test
  void putsCountRevisionsAndVersionsLikeEtcd() {
    PutResult a1 = store.put("/a", v("1"));
    PutResult b1 = store.put("/b", v("x"));
    PutResult a2 = store.put("/a", v("2"));

    assertThat(a1.revision()).as("an empty store is at revision 1").isEqualTo(2);
    assertThat(a1.prevKv()).isNull();
    assertThat(a1.kv().createRevision()).isEqualTo(2);
    assertThat(a1.kv().version()).isEqualTo(1);
    assertThat(b1.revision()).isEqualTo(3);
    assertThat(a2.revision()).isEqualTo(4);
    assertThat(a2.kv().createRevision()).isEqualTo(2);
    assertThat(a2.kv().version()).isEqualTo(2);
    assertThat(a2.prevKv().valueAsString()).isEqualTo("1");
    assertThat(store.revisions().current()).isEqualTo(4);
  }

  @Test
  void deleteWritesATombstoneAndRecreationStartsAtVersionOne() {
    store.put("/a", v("1"));
    store.put("/a", v("2"));
    DeleteResult deleted = store.delete("/a").orElseThrow();
    PutResult again = store.put("/a", v("3"));

    assertThat(deleted.revision()).isEqualTo(4);
    assertThat(deleted.tombstone().isTombstone()).isTrue();
    assertThat(deleted.prevKv().valueAsString()).isEqualTo("2");
    assertThat(store.get("/a", 4)).isEmpty();
    assertThat(again.kv().version()).isEqualTo(1);
    assertThat(again.kv().createRevision()).isEqualTo(5);
    assertThat(again.prevKv().isTombstone()).isTrue();
    assertThat(store.history("/a"))
        .extracting(KeyValue::modRevision, KeyValue::version)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(2L, 1L),
            org.assertj.core.groups.Tuple.tuple(3L, 2L),
            org.assertj.core.groups.Tuple.tuple(4L, 0L),
            org.assertj.core.groups.Tuple.tuple(5L, 1L));
  }

  @Test
  void concurrentPutsOfOneKeyEachSeeTheirOwnPredecessorEvenInOneGroupCommit() throws Exception {
    int threads = 16;
    int each = 50;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<List<PutResult>>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      futures.add(
          pool.submit(
              () -> {
                List<PutResult> mine = new ArrayList<>();
                for (int i = 0; i < each; i++) {
                  mine.add(store.put("/same", v(Thread.currentThread().getName() + i)));
                }
                return mine;
              }));
    }
    List<PutResult> all = new ArrayList<>();
    for (Future<List<PutResult>> f : futures) {
      all.addAll(f.get());
    }
    pool.shutdown();

    assertThat(all).extracting(PutResult::revision).doesNotHaveDuplicates().hasSize(threads * each);
    for (PutResult r : all) {
      assertThat(r.kv().version()).isEqualTo(r.revision() - 1);
      if (r.revision() == 2) {
        assertThat(r.prevKv()).isNull();
      } else {
        assertThat(r.prevKv().modRevision()).isEqualTo(r.revision() - 1);
        assertThat(r.prevKv().value()).isNotNull();
      }
    }
    assertThat(store.revisions().current()).isEqualTo(threads * each + 1);
  }

  /** One batch as the group commit sends it: a recreated key twice, a new key, a live key. */
  @Test
  void aBatchWritesEachPutAsIfItCameAlone() throws Exception {
    store.put("/gone", v("1"));
    store.delete("/gone");
    store.put("/live", v("3"));
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT revision, key, create_revision, version, prev_revision, txn_revision FROM kv_put_many(?, ?)")) {
      s.setArray(1, PgStatements.textArray(c, List.of("/gone", "/new", "/gone", "/live")));
      s.setArray(2, PgStatements.byteaArray(c, List.of(v("a"), v("b"), v("c"), v("d"))));
      List<String> rows = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          rows.add(
              r.getLong(1)
                  + " "
                  + r.getString(2)
                  + " create="
                  + r.getLong(3)
                  + " version="
                  + r.getLong(4)
                  + " prev="
                  + r.getObject(5)
                  + " txn="
                  + r.getLong(6));
        }
      }
      assertThat(rows)
          .containsExactly(
              "5 /gone create=5 version=1 prev=3 txn=5",
              "6 /new create=6 version=1 prev=null txn=6",
              "7 /gone create=5 version=2 prev=5 txn=7",
              "8 /live create=4 version=2 prev=4 txn=8");
    }
    assertThat(store.get("/gone").get().valueAsString()).isEqualTo("c");
    assertThat(store.revisions().current()).isEqualTo(8);
  }

  @Test
  void watchReadsLookUpSupersededRowsInsteadOfReadingTheHistory() throws Exception {
    putMany("'/history/' || i", 20_000);
    db.execute("ANALYZE kv");
    // generic plans, as the server-prepared statements of the pool and the watch get after five
    // runs
    assertThat(genericPlan(PgStatements.REVISIONS_AND_CHANGES.text(), "10000", "1000"))
        .contains("Index")
        .doesNotContain("Seq Scan on kv ");
    assertThat(genericPlan(PgStatements.CHANGES.text(), "10000", "20000", "'/'", "'0'", "1000"))
        .contains("Index")
        .doesNotContain("Seq Scan on kv ");
  }

  @Test
  void aHistoryReadIsPlannedForItsOwnRangeOfRevisions() throws Exception {
    putMany("'/history/' || i", 20_000);
    db.execute("ANALYZE kv");
    try (Connection c = db.dataSource().getConnection()) {
      // a watch that fell behind reads a few revisions under a prefix with a long history, again
      // and again
      for (int i = 0; i < 10; i++) {
        assertThat(
                new PgStatements(StatementTimings.NONE)
                    .changes(c, 19_000, 19_010, "/history/", 1000))
            .hasSize(10);
      }
      // pgjdbc server-prepares a statement from its fifth run, and PostgreSQL may then keep one
      // generic
      // plan for every range: the key index, which walks all 20,000 rows of the prefix each time
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%c.key >= $3%'")) {
        rs.next();
        assertThat(rs.getInt(1)).as("history reads server-prepared").isZero();
      }
    }
    // planned with its values, the read takes the range of revisions from the primary key
    assertThat(
            plan(
                "force_custom_plan",
                PgStatements.CHANGES.text(),
                "19000",
                "19010",
                "'/history/'",
                "'/history0'",
                "1000"))
        .contains("kv_pkey")
        .doesNotContain("kv_key_revision");
  }

  @Test
  void aKeysNewestRowIsFoundByItsKeyWhateverTheStatistics() throws Exception {
    // statistics taken while two keys held every row, then many other keys written
    putMany("'/hot'", 20_000);
    putMany("'/warm'", 7_000);
    db.execute("ANALYZE kv");
    putMany("'/w/' || (i % 3200)", 6_400);
    // the generic plan (as every pooled statement gets after five runs) reads the key's own index
    // entries, not the newer rows of other keys backwards; kv_latest and the put's lookup (V4) read
    // a key in the same form
    assertThat(genericPlan(PgStatements.GET.text(), "'/w/5'", "'/w/5'", "100000"))
        .contains("kv_key_revision")
        .doesNotContain("kv_pkey");
    assertThat(store.get("/w/5").orElseThrow().modRevision())
        .isEqualTo(1 + 20_000 + 7_000 + 6_400 - 3_200 + 5);
  }

  /** {@code n} puts in one statement; {@code key} is an SQL expression of {@code i} (1 to n). */
  private void putMany(String key, int n) {
    db.execute(
        "SELECT count(*) FROM kv_put_many(array(SELECT "
            + key
            + " FROM generate_series(1, "
            + n
            + ") i),"
            + " array(SELECT '\\x01'::bytea FROM generate_series(1, "
            + n
            + ")))");
  }

  private String genericPlan(String statement, String... arguments) throws Exception {
    return plan("force_generic_plan", statement, arguments);
  }

  private String plan(String planCacheMode, String statement, String... arguments)
      throws Exception {
    String numbered = statement;
    for (int i = 1; numbered.contains("?"); i++) {
      numbered = numbered.replaceFirst("\\?", "\\$" + i);
    }
    StringBuilder plan = new StringBuilder();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("SET plan_cache_mode = " + planCacheMode);
      s.execute("PREPARE q AS " + numbered);
      try (ResultSet rs =
          s.executeQuery("EXPLAIN EXECUTE q(" + String.join(", ", arguments) + ")")) {
        while (rs.next()) {
          plan.append(rs.getString(1)).append('\n');
        }
      }
    }
    return plan.toString();
  }

  /**
   * 400 asynchronous puts outstanding at once from one thread that never waits, two commit threads,
   * and waiting puts from four threads among them: all share batches and each keeps its revision
   * and its own predecessor.
   */
  @Test
  void asynchronousPutsHoldNoThreadAndShareBatchesWithWaitingPuts() throws Exception {
    ExecutorService commits = Executors.newFixedThreadPool(2);
    ExecutorService writers = Executors.newFixedThreadPool(4);
    List<CompletableFuture<PutResult>> all = new ArrayList<>();
    try {
      for (int i = 0; i < 400; i++) {
        all.add(store.putAsync("/same", v("async" + i), 0, commits));
        if (i % 4 == 0) {
          String value = "waiting" + i;
          all.add(CompletableFuture.supplyAsync(() -> store.put("/same", v(value)), writers));
        }
      }
      List<PutResult> results = new ArrayList<>();
      for (CompletableFuture<PutResult> f : all) {
        results.add(f.get(60, TimeUnit.SECONDS));
      }

      assertThat(results).extracting(PutResult::revision).doesNotHaveDuplicates().hasSize(500);
      for (PutResult r : results) {
        assertThat(r.kv().version()).isEqualTo(r.revision() - 1);
        if (r.revision() > 2) {
          assertThat(r.prevKv().modRevision()).isEqualTo(r.revision() - 1);
        }
      }
      assertThat(store.revisions().current()).isEqualTo(501);
    } finally {
      commits.shutdownNow();
      writers.shutdownNow();
    }
  }

  @Test
  void anAsynchronousPutFailsAsPutFailsAndWritesNothing() {
    ExecutorService commits = Executors.newSingleThreadExecutor();
    try {
      assertThatThrownBy(() -> store.putAsync("no-slash", v("1"), 0, commits))
          .isInstanceOf(InvalidKeyException.class);
      assertThatThrownBy(() -> store.putAsync("/a", v("1"), 4242, commits).join())
          .hasCauseInstanceOf(LeaseNotFoundException.class);
      commits.shutdown();
      assertThatThrownBy(() -> store.putAsync("/a", v("1"), 0, commits).join())
          .as("no thread left to commit it")
          .hasCauseInstanceOf(RejectedExecutionException.class);
    } finally {
      commits.shutdownNow();
    }
    assertThat(store.get("/a")).isEmpty();
    assertThat(store.revisions().current()).isEqualTo(1);
  }

  @Test
  void aPutThatWaitedForAnotherWritersCommitReturnsThatWriteAsItsPredecessor() throws Exception {
    store.put("/same", v("first"));
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (Connection other = db.dataSource().getConnection();
        Statement s = other.createStatement()) {
      // another server (or psql) writes the key and holds the revision counter until it commits
      other.setAutoCommit(false);
      s.execute("SELECT kv_put('/same', 'other'::bytea)");
      Future<PutResult> waiting = pool.submit(() -> store.put("/same", v("mine")));
      Awaitility.await().until(this::aWriterWaitsForALock);
      other.commit();

      PutResult mine = waiting.get();
      assertThat(mine.revision()).isEqualTo(4);
      assertThat(mine.prevKv().modRevision()).isEqualTo(3);
      assertThat(mine.prevKv().valueAsString()).isEqualTo("other");
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.revisions().current()).isEqualTo(4);
  }

  private boolean aWriterWaitsForALock() throws Exception {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
      rs.next();
      return rs.getLong(1) > 0;
    }
  }

  @Test
  void deletingAnAbsentKeyWritesNothing() {
    store.put("/a", v("1"));
    assertThat(store.delete("/missing")).isEmpty();
    store.delete("/a");
    assertThat(store.delete("/a")).isEmpty();
    assertThat(store.revisions().current()).isEqualTo(3);
  }

  @Test
  void getAsOfRevisionSeesThePast() {
    store.put("/a", v("1"));
    store.put("/a", v("2"));
    store.delete("/a");

    assertThat(store.get("/a", 2).orElseThrow().valueAsString()).isEqualTo("1");
    assertThat(store.get("/a", 3).orElseThrow().valueAsString()).isEqualTo("2");
    assertThat(store.get("/a", 4)).isEmpty();
    assertThat(store.get("/a")).isEmpty();
    assertThat(store.get("/a", 1)).isEmpty();
    assertThat(store.get("/a", 0)).isEmpty();
    assertThatThrownBy(() -> store.get("/a", 5)).isInstanceOf(FutureRevisionException.class);
  }

  @Test
  void listAsOfRevisionByPrefixInByteOrder() {
    store.put("/routes/b", v("b"));
    store.put("/routes/a", v("a"));
    store.put("/routesx", v("not under /routes/"));
    store.put("/routes/ü", v("unicode"));
    store.delete("/routes/b");
    store.put("/routes/c", v("c"));

    assertThat(store.list("/routes/").kvs())
        .extracting(KeyValue::key)
        .containsExactly("/routes/a", "/routes/c", "/routes/ü");
    assertThat(store.list("/routes/").revision()).isEqualTo(7);
    Range at4 = store.list("/routes/", 4);
    assertThat(at4.revision()).isEqualTo(4);
    assertThat(at4.kvs()).extracting(KeyValue::key).containsExactly("/routes/a", "/routes/b");
    assertThat(store.list("/", 0).kvs()).isEmpty();
  }

  @Test
  void valuesAboveTheLimitAreRefusedAndNothingIsWritten() {
    assertThatThrownBy(() -> store.put("/big", new byte[1025]))
        .isInstanceOf(ValueTooLargeException.class);
    assertThat(store.put("/fits", new byte[1024]).revision()).isEqualTo(2);
    assertThat(store.revisions().current()).isEqualTo(2);
  }

  @Test
  void badKeysAreRefused() {
    for (String key :
        List.of("", "no-slash", "/a\u0000b", "/line\nbreak", "/" + "x".repeat(1024))) {
      assertThatThrownBy(() -> store.put(key, v("x")))
          .as(key)
          .isInstanceOf(InvalidKeyException.class);
    }
    assertThat(store.put("/unicode/ключ/🔑", v("ok")).revision()).isEqualTo(2);
    assertThat(store.get("/unicode/ключ/🔑").orElseThrow().valueAsString()).isEqualTo("ok");
  }

  @Test
  void aKeyEndingWithASlashIsAKeyInsideItsOwnPrefix() {
    store.put("/apisix/routes/", v("init_dir"));
    store.put("/apisix/routes/1", v("r"));
    assertThat(store.get("/apisix/routes/").orElseThrow().valueAsString()).isEqualTo("init_dir");
    assertThat(store.list("/apisix/routes/").kvs())
        .extracting(KeyValue::key)
        .containsExactly("/apisix/routes/", "/apisix/routes/1");
  }

  @Test
  void keysWithSqlMetacharactersAreJustKeys() {
    String key = "/x'; DROP TABLE kv; --%_";
    store.put(key, v("1"));
    store.put("/x'_other", v("2"));
    assertThat(store.get(key).orElseThrow().valueAsString()).isEqualTo("1");
    assertThat(store.list("/x'; DROP TABLE kv; --%").kvs())
        .extracting(KeyValue::key)
        .containsExactly(key);
  }

  @Test
  void txnAppliesSuccessWhenComparesHoldAndFailureOtherwise() {
    long a = store.put("/a", v("1")).revision();

    TxnResult ok =
        store.txn(
            new Txn(
                List.of(new Txn.Compare("/a", a), new Txn.Compare("/b", 0)),
                List.of(
                    new Txn.Put("/a", v("2")),
                    new Txn.Put("/b", v("new")),
                    new Txn.Delete("/absent")),
                List.of()));
    assertThat(ok.succeeded()).isTrue();
    assertThat(ok.events()).extracting(KvEvent::revision).containsExactly(3L, 4L);
    assertThat(ok.events()).extracting(KvEvent::txnRevision).containsOnly(3L);
    assertThat(ok.revision()).isEqualTo(4);

    TxnResult stale =
        store.txn(
            new Txn(
                List.of(new Txn.Compare("/a", a)),
                List.of(new Txn.Put("/a", v("lost"))),
                List.of(new Txn.Delete("/b"))));
    assertThat(stale.succeeded()).isFalse();
    assertThat(stale.events()).extracting(KvEvent::type).containsExactly(KvEvent.Type.DELETE);
    assertThat(store.get("/a").orElseThrow().valueAsString()).isEqualTo("2");
  }

  @Test
  void aFailingTxnWritesNothing() {
    store.put("/a", v("1"));
    assertThatThrownBy(
            () ->
                store.txn(
                    new Txn(
                        List.of(),
                        List.of(new Txn.Put("/b", v("1")), new Txn.Put("/c", new byte[2048])),
                        List.of())))
        .isInstanceOf(ValueTooLargeException.class);
    assertThat(store.get("/b")).isEmpty();
    assertThat(store.revisions().current()).isEqualTo(2);
  }

  @Test
  void changesNeverSplitATransaction() {
    store.put("/a", v("1"));
    store.txn(
        new Txn(
            List.of(),
            List.of(
                new Txn.Put("/b", v("1")), new Txn.Put("/c", v("1")), new Txn.Put("/d", v("1"))),
            List.of()));
    store.put("/e", v("1"));

    List<KvEvent> firstTwo = store.changes(0, 6, "/", 2);
    assertThat(firstTwo).extracting(KvEvent::revision).containsExactly(2L, 3L, 4L, 5L);
    assertThat(store.changes(5, 6, "/", 2)).extracting(KvEvent::revision).containsExactly(6L);
  }
}
