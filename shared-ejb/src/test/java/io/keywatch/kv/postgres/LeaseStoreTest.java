package io.keywatch.kv.postgres;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywatch.kv.DeleteResult;
import io.keywatch.kv.KeyValue;
import io.keywatch.kv.KvEvent;
import io.keywatch.kv.KvStore;
import io.keywatch.kv.Lease;
import io.keywatch.kv.LeaseExistsException;
import io.keywatch.kv.LeaseNotFoundException;
import io.keywatch.kv.LeaseStore;
import io.keywatch.kv.LeaseTimeToLive;
import io.keywatch.kv.LeaseTtlTooLargeException;
import io.keywatch.kv.Revocation;
import io.keywatch.kv.TxnRequest;
import io.keywatch.testdb.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * etcd's leases on a real PostgreSQL. Time passes by moving a lease's stored expiry into the past:
 * the database's clock is the one that rules, and tests set the time instead of sleeping.
 */
class LeaseStoreTest {

  private static final long MIN_TTL = 2;

  private TestDatabase db;
  private KvStore store;
  private LeaseStore leases;

  @BeforeEach
  void freshStore() {
    db = TestDatabase.create();
    store = new PgKvStore(db.pool(), 1024, 64, 128, 10_000);
    leases = new PgLeaseStore(db.pool(), MIN_TTL);
  }

  @AfterEach
  void dropStore() {
    db.close();
  }

  private static byte[] v(String s) {
    return s.getBytes(UTF_8);
  }

  private long revision() {
    return store.revisions().current();
  }

  /** As if the lease's time ran out a second ago, by the database's clock. */
  private void expireInDatabase(long id) {
    db.execute("UPDATE lease SET expires_at = now() - interval '1 second' WHERE id = " + id);
  }

  @Test
  void grantChoosesAPositiveIdAndExpiresTheTtlFromNow() {
    Instant before = Instant.now();
    Lease lease = leases.grant(0, 60);

    assertThat(lease.id())
        .as("exact in JSON clients that read doubles")
        .isPositive()
        .isLessThan(1L << 53);
    assertThat(lease.ttl()).isEqualTo(60);
    assertThat(lease.expiresAt()).isBetween(before.plusSeconds(59), Instant.now().plusSeconds(61));
    assertThat(leases.grant(0, 60).id()).isNotEqualTo(lease.id());
  }

  @Test
  void aTtlBelowTheMinimumIsRaisedToItAsEtcdDoes() {
    assertThat(leases.grant(0, 1).ttl()).isEqualTo(MIN_TTL);
    assertThat(leases.grant(0, 0).ttl()).isEqualTo(MIN_TTL);
    assertThat(leases.grant(0, -5).ttl()).isEqualTo(MIN_TTL);
  }

  @Test
  void aTakenIdIsRefusedAsEtcdRefusesIt() {
    leases.grant(42, 10);

    assertThatThrownBy(() -> leases.grant(42, 20))
        .isInstanceOf(LeaseExistsException.class)
        .hasMessage("etcdserver: lease already exists");
    assertThat(leases.timeToLive(42, false).grantedTtl()).isEqualTo(10);
  }

  @Test
  void aTtlAboveEtcdsMaximumIsRefused() {
    assertThat(leases.grant(0, LeaseStore.MAX_TTL).ttl()).isEqualTo(LeaseStore.MAX_TTL);
    assertThatThrownBy(() -> leases.grant(7, LeaseStore.MAX_TTL + 1))
        .isInstanceOf(LeaseTtlTooLargeException.class)
        .hasMessage("etcdserver: too large lease TTL");
    assertThat(leases.leases()).doesNotContain(7L);
  }

  @Test
  void aPutWithAnUnknownLeaseIsRefusedAndWritesNothing() {
    long before = revision();

    assertThatThrownBy(() -> store.put("/a", v("1"), 999))
        .isInstanceOf(LeaseNotFoundException.class)
        .hasMessage("etcdserver: requested lease not found");
    assertThat(revision()).isEqualTo(before);
    assertThat(store.get("/a")).isEmpty();
  }

  @Test
  void aRefusedPutInAGroupCommitDoesNotFailTheOthers() throws Exception {
    long lease = leases.grant(0, 60).id();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CyclicBarrier start = new CyclicBarrier(8);
      List<Future<Long>> puts = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String key = "/k" + i;
        long attach = i == 3 ? 12345 : i % 2 == 0 ? lease : 0;
        puts.add(
            pool.submit(
                () -> {
                  start.await();
                  return store.put(key, v("x"), attach).kv().lease();
                }));
      }
      for (int i = 0; i < 8; i++) {
        Future<Long> put = puts.get(i);
        if (i == 3) {
          assertThatThrownBy(put::get).hasCauseInstanceOf(LeaseNotFoundException.class);
        } else {
          assertThat(put.get()).isEqualTo(i % 2 == 0 ? lease : 0);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.get("/k3")).isEmpty();
    assertThat(leases.timeToLive(lease, true).keys()).containsExactly("/k0", "/k2", "/k4", "/k6");
  }

  @Test
  void aKeysLeaseIsReportedByEveryRead() {
    long lease = leases.grant(0, 60).id();
    long before = revision();
    KeyValue put = store.put("/a", v("1"), lease).kv();

    assertThat(put.lease()).isEqualTo(lease);
    assertThat(store.get("/a").orElseThrow().lease()).isEqualTo(lease);
    assertThat(store.list("/").kvs()).extracting(KeyValue::lease).containsExactly(lease);
    assertThat(store.history("/a")).extracting(KeyValue::lease).containsExactly(lease);
    assertThat(store.changes(before, revision(), "/", 10))
        .extracting(e -> e.kv().lease())
        .containsExactly(lease);
    assertThat(store.put("/b", v("2")).kv().lease()).isZero();
  }

  @Test
  void aPutWithoutTheLeaseOrADeleteDetachesTheKey() {
    long lease = leases.grant(0, 60).id();
    store.put("/kept", v("1"), lease);
    store.put("/detached", v("1"), lease);
    store.put("/detached", v("2"));
    store.put("/deleted", v("1"), lease);
    store.delete("/deleted");
    store.put("/deleted", v("again"));

    assertThat(store.get("/detached").orElseThrow().lease()).isZero();
    assertThat(leases.timeToLive(lease, true).keys()).containsExactly("/kept");

    leases.revoke(lease);
    assertThat(store.get("/kept")).isEmpty();
    assertThat(store.get("/detached").orElseThrow().valueAsString()).isEqualTo("2");
    assertThat(store.get("/deleted").orElseThrow().valueAsString()).isEqualTo("again");
  }

  @Test
  void keysAttachedByAnEtcdTxnGoWhenTheirLeaseExpires() {
    long lease = leases.grant(0, 60).id();
    store.put("/b", v("1"), lease);
    store.put("/c", v("1"), lease);
    store.txn(
        new TxnRequest(
            List.of(),
            List.of(
                new TxnRequest.Put("/a", v("1"), lease, false, false, false),
                new TxnRequest.Put("/b", v("2"), 0, false, false, true),
                new TxnRequest.Put("/c", v("2"), 0, false, false, false)),
            List.of()));
    assertThat(leases.timeToLive(lease, true).keys())
        .as("ignore_lease keeps /b on it, lease 0 detaches /c")
        .containsExactly("/a", "/b");

    expireInDatabase(lease);
    assertThat(leases.expire(10)).containsExactly(lease);
    assertThat(store.get("/a")).isEmpty();
    assertThat(store.get("/b")).isEmpty();
    assertThat(store.history("/a"))
        .last()
        .satisfies(
            t -> {
              assertThat(t.isTombstone()).isTrue();
              assertThat(t.lease()).isZero();
            });
    assertThat(store.get("/c").orElseThrow().valueAsString()).isEqualTo("2");
  }

  @Test
  void aKeyMovedToAnotherLeaseGoesWithThatLease() {
    long first = leases.grant(0, 60).id();
    long second = leases.grant(0, 60).id();
    store.put("/a", v("1"), first);
    store.put("/a", v("2"), second);

    leases.revoke(first);
    assertThat(store.get("/a")).isPresent();
    leases.revoke(second);
    assertThat(store.get("/a")).isEmpty();
  }

  @Test
  void revokeDeletesEveryAttachedKeyInOneTransactionWithConsecutiveRevisions() {
    long lease = leases.grant(0, 60).id();
    store.put("/c", v("3"), lease);
    store.put("/a", v("1"), lease);
    store.put("/b", v("2"), lease);
    store.put("/other", v("x"));
    long before = revision();

    Revocation revoked = leases.revoke(lease);

    assertThat(revoked.deleted())
        .extracting(d -> d.tombstone().key())
        .containsExactly("/a", "/b", "/c");
    assertThat(revoked.deleted())
        .extracting(DeleteResult::revision)
        .containsExactly(before + 1, before + 2, before + 3);
    assertThat(revoked.deleted())
        .extracting(d -> d.prevKv().valueAsString())
        .containsExactly("1", "2", "3");
    assertThat(revoked.revision()).isEqualTo(before + 3).isEqualTo(revision());
    List<KvEvent> changes = store.changes(before, revision(), "/", 10);
    assertThat(changes)
        .allSatisfy(
            e -> {
              assertThat(e.type()).isEqualTo(KvEvent.Type.DELETE);
              assertThat(e.txnRevision()).isEqualTo(before + 1);
              assertThat(e.kv().lease()).isZero();
            });
    assertThat(store.get("/other")).isPresent();
    assertThat(leases.leases()).doesNotContain(lease);
  }

  @Test
  void revokingALeaseWithoutKeysWritesNothing() {
    long lease = leases.grant(0, 60).id();
    long before = revision();

    assertThat(leases.revoke(lease)).isEqualTo(new Revocation(before, List.of()));
    assertThat(revision()).isEqualTo(before);
  }

  @Test
  void anUnknownLeaseIsNotFoundEverywhere() {
    long revoked = leases.grant(0, 60).id();
    leases.revoke(revoked);

    for (long id : new long[] {revoked, 5}) {
      assertThatThrownBy(() -> leases.revoke(id))
          .isInstanceOf(LeaseNotFoundException.class)
          .hasMessage("etcdserver: requested lease not found")
          .extracting(e -> ((LeaseNotFoundException) e).id())
          .isEqualTo(id);
      assertThatThrownBy(() -> leases.keepAlive(id)).isInstanceOf(LeaseNotFoundException.class);
      assertThatThrownBy(() -> leases.timeToLive(id, true))
          .isInstanceOf(LeaseNotFoundException.class);
      assertThatThrownBy(() -> store.put("/a", v("1"), id))
          .isInstanceOf(LeaseNotFoundException.class);
    }
  }

  @Test
  void timeToLiveReportsTheGrantedAndTheRemainingSecondsAndTheKeys() {
    long lease = leases.grant(0, 100).id();
    store.put("/b", v("1"), lease);
    store.put("/a", v("1"), lease);
    db.execute("UPDATE lease SET expires_at = now() + interval '30.5 seconds' WHERE id = " + lease);

    LeaseTimeToLive ttl = leases.timeToLive(lease, true);
    assertThat(ttl.grantedTtl()).isEqualTo(100);
    assertThat(ttl.ttl()).isBetween(29L, 30L);
    assertThat(ttl.keys()).containsExactly("/a", "/b");
    assertThat(leases.timeToLive(lease, false).keys()).isEmpty();
  }

  @Test
  void keepAliveRenewsTheExpiryInTheDatabase() {
    long lease = leases.grant(0, 100).id();
    db.execute("UPDATE lease SET expires_at = now() + interval '3 seconds' WHERE id = " + lease);

    assertThat(leases.keepAlive(lease)).isEqualTo(100);
    assertThat(leases.timeToLive(lease, false).ttl()).isBetween(98L, 100L);
  }

  @Test
  void anExpiredLeaseCannotBeKeptAliveEvenBeforeItIsRevoked() {
    long lease = leases.grant(0, 100).id();
    expireInDatabase(lease);

    assertThatThrownBy(() -> leases.keepAlive(lease)).isInstanceOf(LeaseNotFoundException.class);
    assertThatThrownBy(() -> leases.timeToLive(lease, false))
        .isInstanceOf(LeaseNotFoundException.class);
    assertThat(leases.leases()).doesNotContain(lease);
  }

  @Test
  void leasesListsTheLiveOnesSoonestExpiringFirst() {
    long late = leases.grant(0, 300).id();
    long soon = leases.grant(0, 10).id();
    long gone = leases.grant(0, 10).id();
    expireInDatabase(gone);

    assertThat(leases.leases()).containsExactly(soon, late);
  }

  @Test
  void expiryRevokesOnlyTheLeasesPastTheirExpiryEachAsOneTransaction() {
    long expired1 = leases.grant(0, 60).id();
    long expired2 = leases.grant(0, 60).id();
    long alive = leases.grant(0, 60).id();
    store.put("/e1/a", v("1"), expired1);
    store.put("/e1/b", v("1"), expired1);
    store.put("/e2/a", v("1"), expired2);
    store.put("/alive", v("1"), alive);
    expireInDatabase(expired1);
    expireInDatabase(expired2);
    long before = revision();

    assertThat(leases.expire(100)).containsExactlyInAnyOrder(expired1, expired2);

    assertThat(store.list("/").kvs()).extracting(KeyValue::key).containsExactly("/alive");
    List<KvEvent> changes = store.changes(before, revision(), "/", 10);
    assertThat(changes)
        .extracting(KvEvent::revision)
        .containsExactly(before + 1, before + 2, before + 3);
    assertThat(changes.stream().map(KvEvent::txnRevision).distinct()).hasSize(2);
    assertThat(leases.leases()).containsExactly(alive);
    assertThat(leases.expire(100)).isEmpty();
  }

  @Test
  void expiryStopsAtItsLimitAndTheNextRunTakesTheRest() {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      long id = leases.grant(0, 60).id();
      store.put("/k" + i, v("1"), id);
      expireInDatabase(id);
      ids.add(id);
    }

    List<Long> first = leases.expire(3);
    assertThat(first).hasSize(3);
    List<Long> all = new ArrayList<>(first);
    all.addAll(leases.expire(3));
    assertThat(all).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(store.list("/").kvs()).isEmpty();
  }

  @Test
  void whileAnotherServerHoldsTheExpiryLockNothingIsExpired() throws Exception {
    long lease = leases.grant(0, 60).id();
    store.put("/a", v("1"), lease);
    expireInDatabase(lease);
    long before = revision();

    try (Connection other = db.dataSource().getConnection();
        Statement s = other.createStatement()) {
      s.execute("SELECT pg_advisory_lock(1264012357)");
      assertThat(leases.expire(100)).isEmpty();
      assertThat(revision()).isEqualTo(before);
      s.execute("SELECT pg_advisory_unlock(1264012357)");
    }
    assertThat(leases.expire(100)).containsExactly(lease);
  }

  @Test
  void twoServersExpiringAtOnceRevokeEachLeaseOnce() throws Exception {
    LeaseStore otherServer = new PgLeaseStore(db.dataSource(), MIN_TTL);
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      long id = leases.grant(0, 60).id();
      store.put("/k" + i, v("1"), id);
      ids.add(id);
    }
    db.execute("UPDATE lease SET expires_at = now() - interval '1 second'");
    long before = revision();

    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Long> revoked = Collections.synchronizedList(new ArrayList<>());
    try {
      CyclicBarrier start = new CyclicBarrier(2);
      List<Callable<Void>> servers = new ArrayList<>();
      for (LeaseStore server : List.of(leases, otherServer)) {
        servers.add(
            () -> {
              start.await();
              while (!server.leases().isEmpty() || revoked.size() < ids.size()) {
                revoked.addAll(server.expire(7));
              }
              return null;
            });
      }
      for (Future<Void> f : pool.invokeAll(servers, 60, java.util.concurrent.TimeUnit.SECONDS)) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(revoked).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(revision()).as("one tombstone per key, none twice").isEqualTo(before + ids.size());
    assertThat(store.list("/").kvs()).isEmpty();
  }

  @Test
  void aNewStoreInstanceSeesAndExpiresTheLeasesOfTheOldOne() {
    long lease = leases.grant(0, 60).id();
    store.put("/a", v("1"), lease);

    // an admin restarted: new objects, new connections, nothing kept in memory
    LeaseStore restarted = new PgLeaseStore(db.dataSource(), MIN_TTL);
    assertThat(restarted.leases()).containsExactly(lease);
    assertThat(restarted.timeToLive(lease, true).keys()).containsExactly("/a");
    expireInDatabase(lease);
    assertThat(restarted.expire(100)).containsExactly(lease);
    assertThat(store.get("/a")).isEmpty();
  }

  @Test
  void aRevokeAndAPutOfTheSameLeaseNeverLeaveAKeyBehind() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 30; round++) {
        long lease = leases.grant(0, 60).id();
        String key = "/race" + round;
        CyclicBarrier start = new CyclicBarrier(2);
        Future<?> put =
            pool.submit(
                () -> {
                  start.await();
                  try {
                    store.put(key, v("1"), lease);
                  } catch (LeaseNotFoundException expected) {
                    // the revoke came first
                  }
                  return null;
                });
        Future<?> revoke =
            pool.submit(
                () -> {
                  start.await();
                  return leases.revoke(lease);
                });
        put.get();
        revoke.get();
        assertThat(store.get(key)).as("round %d", round).isEmpty();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aRevokeAndAnEtcdTxnPutOfTheSameLeaseNeverLeaveAKeyBehind() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 30; round++) {
        long lease = leases.grant(0, 60).id();
        String key = "/race" + round;
        TxnRequest txn =
            new TxnRequest(
                List.of(),
                List.of(new TxnRequest.Put(key, v("1"), lease, false, false, false)),
                List.of());
        CyclicBarrier start = new CyclicBarrier(2);
        Future<?> put =
            pool.submit(
                () -> {
                  start.await();
                  try {
                    store.txn(txn);
                  } catch (LeaseNotFoundException expected) {
                    // the revoke came first
                  }
                  return null;
                });
        Future<?> revoke =
            pool.submit(
                () -> {
                  start.await();
                  return leases.revoke(lease);
                });
        put.get();
        revoke.get();
        assertThat(store.get(key)).as("round %d", round).isEmpty();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
