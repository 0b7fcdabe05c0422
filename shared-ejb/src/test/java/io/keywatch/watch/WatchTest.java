package io.keywatch.watch;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.keywatch.kv.CompactedException;
import io.keywatch.kv.KeyRange;
import io.keywatch.kv.KeyValue;
import io.keywatch.kv.KvEvent;
import io.keywatch.kv.PutResult;
import io.keywatch.kv.Txn;
import io.keywatch.kv.TxnRequest;
import io.keywatch.testdb.StallingProxy;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The feed and pull watches deliver every revision once, in order, whatever happens. */
class WatchTest {

  private FeedFixture f;

  @BeforeEach
  void start() {
    f = FeedFixture.start();
  }

  @AfterEach
  void stop() {
    f.close();
    f.db.close();
  }

  private static byte[] v(String s) {
    return s.getBytes(UTF_8);
  }

  /**
   * The revisions of the first n writes: an empty store is at revision 1, so the first write is 2.
   */
  private static List<Long> firstWrites(long n) {
    return LongStream.rangeClosed(2, n + 1).boxed().toList();
  }

  /** Reads a watch on its own thread until it has seen {@code last}. */
  private static Future<List<KvEvent>> drain(Watch w, long last) {
    ExecutorService ex = Executors.newSingleThreadExecutor();
    try {
      return ex.submit(
          () -> {
            List<KvEvent> seen = new ArrayList<>();
            long at = -1;
            while (at < last) {
              EventBatch b = w.poll(Duration.ofMillis(200));
              seen.addAll(b.events());
              at = b.revision();
            }
            return seen;
          });
    } finally {
      ex.shutdown();
    }
  }

  @Test
  void watcherFromZeroSeesEveryRevisionOnceUnderEightConcurrentWriters() throws Exception {
    int writers = 8;
    int writes = 500;
    long total = (long) writers * writes;
    Watch watch = f.watchers.watch("/", 0);
    Future<List<KvEvent>> watched = drain(watch, total + 1);

    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      done.add(
          pool.submit(
              () -> {
                for (int i = 0; i < writes; i++) {
                  f.store.put("/w/" + writer + "/" + (i % 17), v(writer + ":" + i));
                }
              }));
    }
    for (Future<?> d : done) {
      d.get();
    }
    pool.shutdown();

    assertThat(f.store.revisions().current()).isEqualTo(total + 1);
    List<KvEvent> seen = watched.get();
    assertThat(seen).extracting(KvEvent::revision).containsExactlyElementsOf(firstWrites(total));
    await().until(() -> f.feed.revision() == total + 1);
    assertThat(f.recorder.revisions()).containsExactlyElementsOf(firstWrites(total));

    Map<String, String> replayed = new HashMap<>();
    for (KvEvent e : seen) {
      replayed.put(e.key(), e.kv().valueAsString());
    }
    Map<String, String> table =
        f.store.list("/").kvs().stream()
            .collect(Collectors.toMap(KeyValue::key, KeyValue::valueAsString));
    assertThat(replayed).isEqualTo(table);
    watch.close();
  }

  /**
   * Kubernetes' and APISIX's sequence: list, then watch from the list's revision + 1. To an etcd
   * client a revision of 0 means "now", so a list answered at revision 0 would make it watch from
   * whatever the store has reached when the watch starts, passing over the writes in between.
   */
  @Test
  void aClientThatListsAnEmptyStoreAndWatchesFromTheNextRevisionSeesTheFirstWrite()
      throws Exception {
    long listed = f.store.list("/").revision();
    assertThat(listed).as("an empty store's revision").isEqualTo(1);
    PutResult first = f.store.put("/first", v("1")); // written between the list and the watch
    Watch watch =
        listed == 0
            ? f.watchers.watch("/", f.store.revisions().current())
            : f.watchers.watch("/", listed);
    assertThat(drain(watch, first.revision()).get())
        .extracting(KvEvent::key)
        .containsExactly("/first");
    assertThat(first.revision()).isEqualTo(listed + 1);
    watch.close();
  }

  @Test
  void aKilledListenConnectionLosesAndRepeatsNothing() throws Exception {
    int total = 1500;
    ExecutorService writer = Executors.newSingleThreadExecutor();
    Future<?> writing =
        writer.submit(
            () -> {
              for (int i = 0; i < total; i++) {
                f.store.put("/k/" + (i % 10), v("v" + i));
              }
            });
    await().until(() -> f.feed.revision() >= 300);
    f.terminateFeedBackend();
    await().until(() -> f.feed.state().reconnects() >= 1);
    writing.get();
    writer.shutdown();

    await().until(() -> f.feed.revision() == total + 1);
    assertThat(f.recorder.revisions()).containsExactlyElementsOf(firstWrites(total));
    assertThat(f.feed.state().connected()).isTrue();
  }

  private StallingProxy relayToDatabase() throws IOException {
    return new StallingProxy(URI.create(f.db.jdbcUrl().substring("jdbc:".length())).getPort());
  }

  /**
   * A feed whose LISTEN connection goes through the relay: 200 ms heartbeat, 1 s socket timeout.
   */
  private FeedFixture feedThrough(StallingProxy relay) {
    int port = URI.create(f.db.jdbcUrl().substring("jdbc:".length())).getPort();
    String viaRelay = f.db.jdbcUrl().replace(":" + port + "/", ":" + relay.port() + "/");
    return new FeedFixture(f.db, viaRelay, 64, Duration.ofMillis(200), 1);
  }

  @Test
  void aSilentlyStalledListenConnectionIsReplacedWithinBoundedTime() throws Exception {
    try (StallingProxy relay = relayToDatabase()) {
      FeedFixture relayed = feedThrough(relay);
      try {
        relayed.store.put("/a", v("before"));
        await().until(() -> relayed.feed.revision() == 2);

        relay.stallOpenConnections();
        relayed.store.put("/a", v("during"));
        relayed.store.put("/a", v("after"));

        await().atMost(Duration.ofSeconds(10)).until(() -> relayed.feed.revision() == 4);
        assertThat(relayed.feed.state().reconnects()).isPositive();
        assertThat(relayed.recorder.revisions()).containsExactly(2L, 3L, 4L);
      } finally {
        relayed.close();
      }
    }
  }

  @Test
  void aFeedThatWasAwayWhileItsHistoryWasCompactedIsReset() throws Exception {
    try (StallingProxy relay = relayToDatabase()) {
      FeedFixture away = feedThrough(relay);
      try {
        away.store.put("/a", v("1"));
        await().until(() -> away.feed.revision() == 2);
        relay.refuseConnections(true);
        relay.stallOpenConnections();
        await().until(() -> away.feed.state().reconnects() >= 1);
        for (int i = 2; i <= 5; i++) {
          away.store.put("/a", v(String.valueOf(i)));
        }
        away.store.compact(6);
        relay.refuseConnections(false);

        await().atMost(Duration.ofSeconds(10)).until(() -> !away.recorder.resets().isEmpty());
        assertThat(away.recorder.resets().get(0))
            .isEqualTo(new StoreReset(StoreReset.Reason.HISTORY_COMPACTED, 2, 6));
        assertThat(away.feed.revision()).isEqualTo(6);
      } finally {
        away.close();
      }
    }
  }

  @Test
  void aStoreRestoredToAnOlderRevisionIsReportedAsAReset() {
    for (int i = 1; i <= 3; i++) {
      f.store.put("/a", v(String.valueOf(i)));
    }
    await().until(() -> f.feed.revision() == 4);
    f.db.execute(
        "DELETE FROM kv WHERE revision > 2; UPDATE kv_revision SET current = 2; NOTIFY keywatch");

    await().until(() -> !f.recorder.resets().isEmpty());
    assertThat(f.recorder.resets().get(0))
        .isEqualTo(new StoreReset(StoreReset.Reason.REVISION_WENT_BACKWARDS, 4, 2));
  }

  /**
   * The restore of the issue: a backup taken at B, three writes to H = B + 3, then rows deleted,
   * the backup's rows put back, the counter set back to B and five new writes to B + 5 = H + 2, all
   * before the feed looks. The counter never looks backwards to the feed, and without checking the
   * row at its position it would deliver H + 1 and H + 2 and never know of B + 1 .. H.
   */
  @Test
  void aRestoredBackupWithTheSameStoreIdAndNewWritesPastTheOldHeadIsAReset() {
    for (int i = 1; i <= 4; i++) {
      f.store.put("/routes/kept" + i, v("old"));
    }
    long backup = f.store.revisions().current();
    f.db.execute("CREATE TABLE kv_backup AS SELECT * FROM kv");
    f.store.put("/routes/gone1", v("old"));
    f.store.put("/routes/gone2", v("old"));
    f.store.put("/routes/kept1", v("changed"));
    long head = f.store.revisions().current();
    await().until(() -> f.feed.revision() == head);

    StringBuilder restore =
        new StringBuilder(
            "BEGIN; DELETE FROM kv; INSERT INTO kv SELECT * FROM kv_backup;"
                + " UPDATE kv_revision SET current = "
                + backup
                + ";");
    for (int i = 1; i <= 5; i++) {
      restore.append(" SELECT kv_put('/routes/new").append(i).append("', 'new'::bytea);");
    }
    long restored = System.nanoTime();
    f.db.execute(restore.append(" COMMIT").toString());

    await().atMost(Duration.ofSeconds(1)).until(() -> !f.recorder.resets().isEmpty());
    System.out.println(
        "RESTORE detected "
            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restored)
            + " ms after the commit");
    assertThat(f.recorder.resets())
        .containsExactly(new StoreReset(StoreReset.Reason.HISTORY_REWRITTEN, head, backup + 5));
    assertThat(f.recorder.revisions())
        .containsExactlyElementsOf(
            firstWrites(head - 1)); // no new write passed off as the old history's next
    assertThat(f.feed.revision()).isEqualTo(backup + 5);

    f.store.put("/routes/new6", v("new"));
    await().until(() -> f.feed.revision() == backup + 6);
    assertThat(f.recorder.revisions()).endsWith(backup + 6);
    assertThat(f.recorder.resets()).hasSize(1);
  }

  /**
   * A restore that leaves the counter where it was and sends no notification (a history of the same
   * length, rewritten): only the heartbeat's read can find it, within one heartbeat (1 s).
   */
  @Test
  void aRewrittenRowAtTheFeedsPositionIsFoundByTheHeartbeatWithoutAnyNotification() {
    f.store.put("/a", v("1"));
    f.store.put("/b", v("1"));
    long head = f.store.revisions().current();
    await().until(() -> f.feed.revision() == head);
    f.db.execute(
        "UPDATE kv SET key = '/c', created_at = clock_timestamp() WHERE revision = " + head);

    await().atMost(Duration.ofMillis(2500)).until(() -> !f.recorder.resets().isEmpty());
    assertThat(f.recorder.resets())
        .containsExactly(new StoreReset(StoreReset.Reason.HISTORY_REWRITTEN, head, head));
  }

  /**
   * The feed's check reads the row at its position again: compaction that removed it is no reset.
   */
  @Test
  void aRowAtTheFeedsPositionCompactedAwayIsNoReset() {
    f.store.put("/a", v("1"));
    f.store.delete("/a");
    long head = f.store.revisions().current();
    await().until(() -> f.feed.revision() == head);
    // in one commit, so the feed next reads with its position's tombstone gone
    f.db.execute(
        "BEGIN; SELECT kv_put('/b', '1'::bytea); SELECT kv_compact(" + (head + 1) + "); COMMIT");
    await().until(() -> f.feed.revision() == head + 1);
    f.store.put("/b", v("2"));
    await().until(() -> f.feed.revision() == head + 2);
    assertThat(f.recorder.resets()).isEmpty();
    assertThat(f.recorder.revisions()).containsExactlyElementsOf(firstWrites(head + 1));
  }

  @Test
  void aHundredKibValueRoundTripsThroughPutAndWatch() throws Exception {
    byte[] big = new byte[100 * 1024];
    Arrays.fill(big, (byte) 'x');
    big[0] = '{';
    Watch watch = f.watchers.watch("/big/", 0);
    f.store.put("/big/one", big);
    List<KvEvent> seen = drain(watch, 2).get();
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).kv().value()).isEqualTo(big);
    await().until(() -> f.recorder.revisions().contains(2L));
  }

  @Test
  void aTransactionArrivesInOneBatch() {
    f.store.put("/a", v("0"));
    f.store.txn(
        new Txn(
            List.of(),
            List.of(new Txn.Put("/a", v("1")), new Txn.Put("/b", v("1")), new Txn.Delete("/a")),
            List.of()));
    await().until(() -> f.feed.revision() == 5);
    EventBatch txnBatch =
        f.recorder.batches().stream()
            .filter(b -> b.events().stream().anyMatch(e -> e.revision() == 3))
            .findFirst()
            .orElseThrow();
    assertThat(txnBatch.events()).extracting(KvEvent::revision).contains(3L, 4L, 5L);
    assertThat(txnBatch.events().get(txnBatch.events().size() - 1).prevKv().valueAsString())
        .isEqualTo("1");
  }

  @Test
  void anEtcdTxnAndARangeDeleteEachArriveInOneBatch() {
    f.store.put("/e/1", v("0")); // 2
    f.store.txn(
        new TxnRequest(
            List.of(),
            List.of(
                TxnRequest.Put.of("/e/2", v("1")),
                TxnRequest.Put.of("/e/3", v("1")),
                new TxnRequest.DeleteRange(KeyRange.single("/e/1"), false)),
            List.of())); // 3, 4, 5
    f.store.deleteRange("/e/", KeyRange.prefix("/e/").rangeEnd(), false); // 6, 7
    await().until(() -> f.feed.revision() == 7);
    for (List<Long> txn : List.of(List.of(3L, 4L, 5L), List.of(6L, 7L))) {
      assertThat(f.recorder.batches())
          .map(b -> b.events().stream().map(KvEvent::revision).filter(txn::contains).toList())
          .as("the batches holding revisions of %s", txn)
          .filteredOn(part -> !part.isEmpty())
          .containsExactly(txn);
    }
  }

  @Test
  void aWatcherFarBehindACompactionIsToldSo() throws Exception {
    Watch lagging = f.watchers.watch("/", 0);
    for (int i = 0; i < 5; i++) {
      f.store.put("/a", v("v" + i));
    }
    await()
        .until(
            () -> f.feed.revision() == 6); // else the feed itself would be reset by the compaction
    f.store.compact(5);
    assertThatThrownBy(() -> lagging.poll(Duration.ofSeconds(1)))
        .isInstanceOf(CompactedException.class);
    Watch fromCompacted = f.watchers.watch("/", 4);
    assertThat(drain(fromCompacted, 6).get()).extracting(KvEvent::revision).containsExactly(5L, 6L);
  }

  @Test
  void aWatchFromAheadOfTheFeedNeverReplaysWhatCameBefore() throws Exception {
    f.store.put("/a", v("1"));
    f.store.put("/a", v("2"));
    f.store.put("/a", v("3"));
    Watch ahead = f.watchers.watch("/", 4);
    f.store.put("/a", v("4"));
    assertThat(drain(ahead, 5).get()).extracting(KvEvent::revision).containsExactly(5L);
  }

  @Test
  void aProgressReportNeverPassesABatchStillQueued() throws Exception {
    Watch w = f.watchers.watch("/", f.feed.revision());
    assertThat(w.poll(Duration.ofMillis(10)).events()).isEmpty(); // now synced
    long next = f.feed.revision() + 1;
    KvEvent change =
        KvEvent.of(new KeyValue("/queued", v("x"), next, next, 1, Instant.now()), null, next);
    ExecutorService consumer = Executors.newSingleThreadExecutor();
    try {
      AtomicReference<Thread> polling = new AtomicReference<>();
      Future<EventBatch> polled =
          consumer.submit(
              () -> {
                polling.set(Thread.currentThread());
                return w.poll(Duration.ofMillis(300));
              });
      // the consumer waits for a live batch ...
      await()
          .until(
              () ->
                  polling.get() != null && polling.get().getState() == Thread.State.TIMED_WAITING);
      f.feed.atPosition(
          at -> {
            // ... its wait runs out, and it queues for the feed's position to report progress; then
            // the
            // feed delivers a batch (as the feed does: under its position lock)
            await().until(() -> polling.get().getState() == Thread.State.WAITING);
            w.offer(new EventBatch(next - 1, next, List.of(change)));
            return null;
          });
      // the batch, not a progress report up to its revision (which would pass over it)
      assertThat(polled.get(5, TimeUnit.SECONDS).events())
          .extracting(KvEvent::revision)
          .containsExactly(next);
    } finally {
      consumer.shutdownNow();
      w.close();
    }
  }

  @Test
  void aDirectConsumerIsOfferedLiveBatchesOnlyWhileNothingIsQueuedAndTogetherWithPollMissesNothing()
      throws Exception {
    Watch w = f.watchers.watch("/", 1); // the empty store's revision
    assertThat(w.poll(Duration.ofMillis(10)).events()).isEmpty(); // now synced
    List<EventBatch> offered = new CopyOnWriteArrayList<>();
    // takes the first batch, refuses the second: that one is queued, and so is every later one
    w.deliverDirectly(b -> offered.add(b) && offered.size() == 1);
    for (int i = 1; i <= 5; i++) {
      f.store.put("/d", v("v" + i));
      long rev = i + 1;
      await().until(() -> f.feed.revision() >= rev);
    }
    assertThat(offered).extracting(EventBatch::after).containsExactly(1L, 2L);
    List<KvEvent> polled = drain(w, 6).get();
    assertThat(offered.get(0).events()).extracting(KvEvent::revision).containsExactly(2L);
    assertThat(polled).extracting(KvEvent::revision).containsExactly(3L, 4L, 5L, 6L);
    w.close();
  }

  @Test
  void aSlowWatcherBecomesAVictimAndStillSeesEverythingOnce() throws Exception {
    FeedFixture small = new FeedFixture(f.db, f.db.jdbcUrl(), 2, Duration.ofSeconds(1), 5);
    try {
      Watch slow = small.watchers.watch("/", 1); // the empty store's revision
      assertThat(slow.poll(Duration.ofMillis(10)).events()).isEmpty(); // now synced
      for (int i = 1; i <= 50; i++) {
        small.store.put("/s", v("v" + i));
        long rev = i + 1;
        await().until(() -> small.feed.revision() >= rev);
      }
      assertThat(slow.victimCount()).isPositive();
      assertThat(drain(slow, 51).get())
          .extracting(KvEvent::revision)
          .containsExactlyElementsOf(firstWrites(50));
    } finally {
      small.close();
    }
  }

  @Test
  void aRecreatedStoreIsReportedAsAReset() {
    f.store.put("/a", v("1"));
    f.store.put("/a", v("2"));
    await().until(() -> f.feed.revision() == 3);
    Watch watch = f.watchers.watch("/", 3);

    f.db.recreate();
    f.store.put("/fresh", v("1"));

    await().until(() -> !f.recorder.resets().isEmpty());
    StoreReset reset = f.recorder.resets().get(0);
    assertThat(reset.reason()).isEqualTo(StoreReset.Reason.STORE_RECREATED);
    assertThat(reset.previousRevision()).isEqualTo(3);
    assertThatThrownBy(() -> watch.poll(Duration.ofMillis(10)))
        .isInstanceOf(WatchResetException.class);
    f.store.put("/fresh", v("2"));
    await()
        .until(
            () ->
                f.feed.revision() == 3
                    && f.recorder.revisions().get(f.recorder.revisions().size() - 1) == 3L);
  }
}
