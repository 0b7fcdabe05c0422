package io.keywatch.kv.postgres;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywatch.kv.CompactedException;
import io.keywatch.kv.DeleteRangeResult;
import io.keywatch.kv.FutureRevisionException;
import io.keywatch.kv.InvalidKeyException;
import io.keywatch.kv.InvalidRequestException;
import io.keywatch.kv.InvalidRequestException.Reason;
import io.keywatch.kv.KeyRange;
import io.keywatch.kv.KeyValue;
import io.keywatch.kv.KvEvent;
import io.keywatch.kv.KvStore;
import io.keywatch.kv.LeaseNotFoundException;
import io.keywatch.kv.LeaseStore;
import io.keywatch.kv.PutResult;
import io.keywatch.kv.RangeQuery;
import io.keywatch.kv.RangeResult;
import io.keywatch.kv.TxnOp;
import io.keywatch.kv.TxnRequest;
import io.keywatch.kv.TxnRequest.Compare;
import io.keywatch.kv.TxnRequest.Compare.Result;
import io.keywatch.kv.TxnRequest.Compare.Target;
import io.keywatch.kv.TxnResponse;
import io.keywatch.testdb.TestDatabase;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** etcd's full Txn on a real PostgreSQL. */
class EtcdTxnTest {

  private TestDatabase db;
  private KvStore store;
  private LeaseStore leases;

  @BeforeEach
  void freshStore() {
    db = TestDatabase.create();
    store = new PgKvStore(db.pool(), 1024, 64, 128, 10_000);
    leases = new PgLeaseStore(db.pool(), 2);
  }

  @AfterEach
  void dropStore() {
    db.close();
  }

  private static byte[] v(String s) {
    return s.getBytes(UTF_8);
  }

  private static KeyRange k(String key) {
    return KeyRange.single(key);
  }

  private static TxnRequest.Put put(String key, String value) {
    return TxnRequest.Put.of(key, v(value));
  }

  private static TxnRequest txn(List<Compare> compares, List<TxnOp> success, List<TxnOp> failure) {
    return new TxnRequest(compares, success, failure);
  }

  private boolean holds(Compare compare) {
    return store.txn(txn(List.of(compare), List.of(), List.of())).succeeded();
  }

  @Test
  void comparesOnEveryTargetWithEveryResult() {
    store.put("/a", v("1")); // 2
    store.put("/a", v("2")); // 3: version 2, create 2, mod 3

    assertThat(holds(Compare.number(k("/a"), Target.VERSION, Result.EQUAL, 2))).isTrue();
    assertThat(holds(Compare.number(k("/a"), Target.VERSION, Result.NOT_EQUAL, 2))).isFalse();
    assertThat(holds(Compare.number(k("/a"), Target.CREATE, Result.LESS, 3))).isTrue();
    assertThat(holds(Compare.number(k("/a"), Target.CREATE, Result.GREATER, 2))).isFalse();
    assertThat(holds(Compare.number(k("/a"), Target.MOD, Result.EQUAL, 3))).isTrue();
    assertThat(holds(Compare.number(k("/a"), Target.MOD, Result.GREATER, 2))).isTrue();
    assertThat(holds(Compare.value(k("/a"), Result.EQUAL, v("2")))).isTrue();
    assertThat(holds(Compare.value(k("/a"), Result.LESS, v("3")))).isTrue();
    assertThat(holds(Compare.value(k("/a"), Result.GREATER, v("10"))))
        .as("bytes, not numbers")
        .isTrue();
    assertThat(holds(Compare.number(k("/a"), Target.LEASE, Result.EQUAL, 0)))
        .as("put without a lease")
        .isTrue();
    assertThat(holds(Compare.number(k("/a"), Target.LEASE, Result.GREATER, 0))).isFalse();
  }

  @Test
  void aLeaseCompareComparesTheKeysLease() {
    long lease = leases.grant(0, 60).id();
    store.put("/a", v("1"), lease);
    store.put("/b", v("1"));

    assertThat(holds(Compare.number(k("/a"), Target.LEASE, Result.EQUAL, lease))).isTrue();
    assertThat(holds(Compare.number(k("/a"), Target.LEASE, Result.EQUAL, 0))).isFalse();
    assertThat(holds(Compare.number(k("/a"), Target.LEASE, Result.GREATER, lease - 1))).isTrue();
    assertThat(holds(Compare.number(k("/b"), Target.LEASE, Result.NOT_EQUAL, lease))).isTrue();
    assertThat(holds(Compare.number(KeyRange.prefix("/"), Target.LEASE, Result.EQUAL, lease)))
        .as("every key of the range must hold it")
        .isFalse();

    store.put("/a", v("2"));
    assertThat(holds(Compare.number(k("/a"), Target.LEASE, Result.EQUAL, 0)))
        .as("detached by a put without it")
        .isTrue();
  }

  @Test
  void aPutInATxnAttachesItsLeaseAndIgnoreLeaseKeepsThePreviousRowsLease() {
    long lease = leases.grant(0, 60).id();
    TxnResponse attached =
        store.txn(
            txn(
                List.of(),
                List.of(
                    new TxnRequest.Put("/a", v("1"), lease, false, false, false),
                    new TxnRequest.Put("/b", v("1"), lease, false, false, false)),
                List.of()));
    assertThat(((PutResult) attached.responses().get(0)).kv().lease()).isEqualTo(lease);
    assertThat(store.get("/a")).map(KeyValue::lease).contains(lease);
    assertThat(leases.timeToLive(lease, true).keys()).containsExactly("/a", "/b");

    TxnResponse kept =
        store.txn(
            txn(
                List.of(),
                List.of(new TxnRequest.Put("/a", v("2"), 0, true, false, true)),
                List.of()));
    PutResult p = (PutResult) kept.responses().get(0);
    assertThat(p.kv().lease()).isEqualTo(lease);
    assertThat(p.kv().valueAsString()).isEqualTo("2");
    assertThat(p.prevKv().lease()).isEqualTo(lease);

    store.txn(txn(List.of(), List.of(put("/b", "2")), List.of()));
    assertThat(store.get("/b")).map(KeyValue::lease).as("a put with lease 0 detaches").contains(0L);
    assertThat(leases.timeToLive(lease, true).keys()).containsExactly("/a");

    leases.revoke(lease);
    assertThat(store.get("/a")).as("deleted with its lease").isEmpty();
    assertThat(store.get("/b")).isPresent();
  }

  @Test
  void aPutInATxnWithAnUnknownLeaseIsLeaseNotFoundAndTheTxnWritesNothing() {
    long revoked = leases.grant(0, 60).id();
    leases.revoke(revoked);
    long before = store.revisions().current();

    for (long unknown : List.of(7L, revoked)) {
      assertThatThrownBy(
              () ->
                  store.txn(
                      txn(
                          List.of(),
                          List.of(
                              put("/first", "1"),
                              new TxnRequest.Put("/p", v("x"), unknown, false, false, false)),
                          List.of())))
          .isInstanceOfSatisfying(
              LeaseNotFoundException.class, e -> assertThat(e.id()).isEqualTo(unknown))
          .hasMessage("etcdserver: requested lease not found");
    }
    assertThat(store.get("/first")).as("nothing written").isEmpty();
    assertThat(store.get("/p")).isEmpty();
    assertThat(store.revisions().current()).isEqualTo(before);
  }

  @Test
  void anAbsentKeyComparesAsZerosAndFailsEveryValueCompare() {
    store.put("/gone", v("1"));
    store.delete("/gone");
    for (String absent : List.of("/never", "/gone")) {
      assertThat(holds(Compare.number(k(absent), Target.VERSION, Result.EQUAL, 0))).isTrue();
      assertThat(holds(Compare.number(k(absent), Target.CREATE, Result.EQUAL, 0))).isTrue();
      assertThat(holds(Compare.number(k(absent), Target.MOD, Result.LESS, 1))).isTrue();
      assertThat(holds(Compare.value(k(absent), Result.EQUAL, v("")))).isFalse();
      assertThat(holds(Compare.value(k(absent), Result.NOT_EQUAL, v("x")))).isFalse();
    }
  }

  @Test
  void aRangeCompareHoldsOnlyWhenEveryKeyInItHolds() {
    store.put("/r/1", v("x"));
    store.put("/r/2", v("x"));
    store.put("/r/2", v("y"));
    KeyRange r = KeyRange.prefix("/r/");
    assertThat(holds(Compare.number(r, Target.VERSION, Result.EQUAL, 1))).isFalse();
    assertThat(holds(Compare.number(r, Target.VERSION, Result.LESS, 3))).isTrue();
    assertThat(holds(Compare.value(r, Result.GREATER, v("w")))).isTrue();
    assertThat(holds(Compare.number(KeyRange.prefix("/empty/"), Target.VERSION, Result.EQUAL, 0)))
        .isTrue();
    assertThat(holds(Compare.value(KeyRange.prefix("/empty/"), Result.NOT_EQUAL, v("")))).isFalse();
  }

  @Test
  void writesGetConsecutiveRevisionsAndReadsSeeTheWritesBeforeThem() {
    store.put("/t/a", v("old")); // 2
    store.put("/t/c", v("c")); // 3
    TxnResponse r =
        store.txn(
            txn(
                List.of(Compare.number(k("/t/a"), Target.MOD, Result.EQUAL, 2)),
                List.of(
                    new TxnRequest.Put("/t/a", v("new"), 0, true, false, false),
                    put("/t/b", "b"),
                    RangeQuery.of(KeyRange.prefix("/t/")),
                    new TxnRequest.DeleteRange(k("/t/c"), true),
                    RangeQuery.of(KeyRange.prefix("/t/")).counting(),
                    RangeQuery.of(KeyRange.prefix("/t/")).atRevision(2)),
                List.of()));

    assertThat(r.succeeded()).isTrue();
    assertThat(r.revision()).isEqualTo(6);
    PutResult a = (PutResult) r.responses().get(0);
    assertThat(a.revision()).isEqualTo(4);
    assertThat(a.prevKv().valueAsString()).isEqualTo("old");
    PutResult b = (PutResult) r.responses().get(1);
    assertThat(b.revision()).isEqualTo(5);
    assertThat(b.prevKv()).as("not asked for").isNull();
    RangeResult read = (RangeResult) r.responses().get(2);
    assertThat(read.kvs()).extracting(KeyValue::valueAsString).containsExactly("new", "b", "c");
    assertThat(read.revision()).isEqualTo(5);
    DeleteRangeResult deleted = (DeleteRangeResult) r.responses().get(3);
    assertThat(deleted.deleted()).isEqualTo(1);
    assertThat(deleted.prevKvs()).extracting(KeyValue::valueAsString).containsExactly("c");
    assertThat(deleted.revision()).isEqualTo(6);
    assertThat(((RangeResult) r.responses().get(4)).count()).isEqualTo(2);
    assertThat(((RangeResult) r.responses().get(5)).kvs())
        .extracting(KeyValue::valueAsString)
        .containsExactly("old");

    List<KvEvent> events = store.changes(3, 6, "/", 100);
    assertThat(events).extracting(KvEvent::revision).containsExactly(4L, 5L, 6L);
    assertThat(events)
        .extracting(KvEvent::txnRevision)
        .as("one batch for watchers")
        .containsOnly(4L);
  }

  @Test
  void theFailureBranchRunsWhenACompareFailsAndAReadOnlyTxnWritesNothing() {
    store.put("/f", v("1")); // 2
    TxnResponse r =
        store.txn(
            txn(
                List.of(Compare.value(k("/f"), Result.EQUAL, v("2"))),
                List.of(put("/f", "success")),
                List.of(RangeQuery.of(k("/f")))));
    assertThat(r.succeeded()).isFalse();
    assertThat(((RangeResult) r.responses().get(0)).kvs())
        .extracting(KeyValue::valueAsString)
        .containsExactly("1");
    assertThat(r.revision()).isEqualTo(2);
    assertThat(store.revisions().current()).isEqualTo(2);
  }

  @Test
  void nestedTxnsDecideOnTheStoreAsItWasBeforeTheOuterWrites() {
    TxnResponse r =
        store.txn(
            txn(
                List.of(),
                List.of(
                    put("/m", "x"),
                    txn(
                        List.of(Compare.number(k("/m"), Target.VERSION, Result.EQUAL, 0)),
                        List.of(put("/then", "1"), RangeQuery.of(k("/m"))),
                        List.of(put("/else", "1")))),
                List.of()));
    TxnResponse nested = (TxnResponse) r.responses().get(1);
    assertThat(nested.succeeded()).as("/m was absent when the transaction began").isTrue();
    assertThat(((RangeResult) nested.responses().get(1)).kvs()).as("but a read sees it").hasSize(1);
    assertThat(nested.revision()).isEqualTo(3);
    assertThat(r.revision()).isEqualTo(3);
    assertThat(store.get("/then")).isPresent();
    assertThat(store.get("/else")).isEmpty();
  }

  @Test
  void aKeyWrittenTwiceIsRefusedAsEtcdRefusesItAndNothingIsWritten() {
    List<List<TxnOp>> duplicates =
        List.of(
            List.of(put("/d", "1"), put("/d", "2")),
            List.of(new TxnRequest.DeleteRange(KeyRange.prefix("/d"), false), put("/d/x", "1")),
            List.of(put("/d", "1"), txn(List.of(), List.of(put("/d", "2")), List.of())),
            List.of(
                put("/d", "1"),
                txn(List.of(), List.of(), List.of(new TxnRequest.DeleteRange(k("/d"), false)))),
            List.of(
                txn(List.of(), List.of(put("/d", "1")), List.of()),
                txn(List.of(), List.of(), List.of(put("/d", "2")))));
    for (List<TxnOp> ops : duplicates) {
      assertThatThrownBy(() -> store.txn(txn(List.of(), ops, List.of())))
          .as("%s", ops)
          .isInstanceOfSatisfying(
              InvalidRequestException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(Reason.DUPLICATE_KEY);
                assertThat(e).hasMessage("etcdserver: duplicate key given in txn request");
              });
    }
    assertThat(store.revisions().current()).isEqualTo(1);

    List<List<TxnOp>> allowed =
        List.of(
            List.of(txn(List.of(), List.of(put("/d", "1")), List.of(put("/d", "2")))),
            List.of(
                new TxnRequest.DeleteRange(k("/d"), false),
                new TxnRequest.DeleteRange(KeyRange.prefix("/"), false)),
            // etcd 3.4 leaves a delete with range end "\0" out of the check (see TxnRules)
            List.of(
                new TxnRequest.DeleteRange(new KeyRange("/x", KeyRange.FROM_KEY), false),
                put("/y", "1")));
    for (List<TxnOp> ops : allowed) {
      assertThat(store.txn(txn(List.of(), ops, List.of())).succeeded()).as("%s", ops).isTrue();
    }
  }

  @Test
  void moreOperationsThanTheLimitOnOneLevelAreRefused() {
    List<TxnOp> limit = new ArrayList<>();
    for (int i = 0; i < 128; i++) {
      limit.add(put("/many/" + i, "x"));
    }
    List<TxnOp> over = new ArrayList<>(limit);
    over.add(put("/many/128", "x"));
    assertThatThrownBy(() -> store.txn(txn(List.of(), over, List.of())))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> assertThat(e).hasMessage("etcdserver: too many operations in txn request"));
    List<Compare> compares =
        Collections.nCopies(129, Compare.number(k("/a"), Target.VERSION, Result.EQUAL, 0));
    assertThatThrownBy(() -> store.txn(txn(compares, List.of(), List.of())))
        .isInstanceOf(InvalidRequestException.class);
    // a nested transaction may hold the parent's limit minus the parent's count: 128 - 100
    List<TxnOp> outer = new ArrayList<>(limit.subList(0, 99));
    outer.add(
        txn(
            List.of(),
            new ArrayList<>(Collections.nCopies(29, (TxnOp) RangeQuery.of(k("/a")))),
            List.of()));
    assertThatThrownBy(() -> store.txn(txn(List.of(), outer, List.of())))
        .isInstanceOf(InvalidRequestException.class);
    assertThat(store.revisions().current()).isEqualTo(1);

    TxnResponse full = store.txn(txn(List.of(), limit, List.of()));
    assertThat(full.revision()).isEqualTo(129);
  }

  @Test
  void putFlagsBehaveAsEtcds() {
    store.put("/p", v("kept")); // 2
    TxnResponse ignored =
        store.txn(
            txn(
                List.of(),
                List.of(new TxnRequest.Put("/p", null, 0, true, true, false)),
                List.of()));
    PutResult p = (PutResult) ignored.responses().get(0);
    assertThat(p.kv().valueAsString()).isEqualTo("kept");
    assertThat(p.kv().version()).isEqualTo(2);
    assertThat(p.prevKv().modRevision()).isEqualTo(2);

    assertRefused(new TxnRequest.Put("/absent", null, 0, false, true, false), Reason.KEY_NOT_FOUND);
    assertRefused(new TxnRequest.Put("/p", v("x"), 0, false, true, false), Reason.VALUE_PROVIDED);
    assertRefused(new TxnRequest.Put("/p", v("x"), 7, false, false, true), Reason.LEASE_PROVIDED);
    assertRefused(new TxnRequest.Put("", v("x"), 0, false, false, false), Reason.EMPTY_KEY);
    assertThatThrownBy(() -> store.txn(txn(List.of(), List.of(put("no-slash", "x")), List.of())))
        .isInstanceOf(InvalidKeyException.class);
    assertThat(store.revisions().current()).isEqualTo(3);
  }

  private void assertRefused(TxnRequest.Put put, Reason reason) {
    assertThatThrownBy(() -> store.txn(txn(List.of(), List.of(put("/first", "1"), put), List.of())))
        .isInstanceOfSatisfying(
            InvalidRequestException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    assertThat(store.get("/first")).as("nothing written").isEmpty();
  }

  @Test
  void aReadInsideATxnAtARevisionOutsideTheHistoryRefusesTheWholeTxn() {
    store.put("/a", v("1")); // 2
    store.put("/a", v("2")); // 3
    store.compact(3);
    assertThatThrownBy(
            () ->
                store.txn(
                    txn(
                        List.of(),
                        List.of(put("/b", "1"), RangeQuery.of(k("/a")).atRevision(4)),
                        List.of())))
        .as("the txn's own next revision is still the future")
        .isInstanceOf(FutureRevisionException.class);
    assertThatThrownBy(
            () ->
                store.txn(
                    txn(
                        List.of(),
                        List.of(put("/b", "1"), RangeQuery.of(k("/a")).atRevision(2)),
                        List.of())))
        .isInstanceOf(CompactedException.class);
    assertThat(store.get("/b")).isEmpty();
    assertThat(store.revisions().current()).isEqualTo(3);
  }
}
