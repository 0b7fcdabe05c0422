package io.keywatch.kv.postgres;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywatch.kv.CompactedException;
import io.keywatch.kv.FutureRevisionException;
import io.keywatch.kv.KeyValue;
import io.keywatch.kv.KvEvent;
import io.keywatch.kv.KvStore;
import io.keywatch.testdb.TestDatabase;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Compaction removes superseded history and tombstones, never a live value. */
class CompactionTest {

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

  /**
   * The worked example of kv_compact in V1__kv.sql, one revision later (an empty store is at 1).
   */
  @Test
  void compactionKeepsEveryLiveValueAndRemovesWhatItShould() {
    store.put("/a", v("1")); // 2
    store.put("/b", v("1")); // 3
    store.put("/a", v("3")); // 4
    store.delete("/b"); // 5
    store.put("/c", v("5")); // 6
    store.put("/a", v("6")); // 7

    long removed = store.compact(6);

    assertThat(removed).isEqualTo(3); // a@2, b@3 and the tombstone b@5
    assertThat(store.history("/a")).extracting(KeyValue::modRevision).containsExactly(4L, 7L);
    assertThat(store.history("/b")).isEmpty();
    assertThat(store.get("/a", 6).orElseThrow().valueAsString()).isEqualTo("3");
    assertThat(store.get("/c").orElseThrow().valueAsString()).isEqualTo("5");
    assertThat(store.list("/", 6).kvs()).extracting(KeyValue::key).containsExactly("/a", "/c");
    assertThat(store.revisions().compacted()).isEqualTo(6);
  }

  @Test
  void anEmptyStoreIsAtRevisionOneAndCompactsToIt() {
    assertThat(store.revisions().current()).isEqualTo(1);
    assertThat(store.compact(1)).isZero();
    assertThat(store.revisions().compacted()).isEqualTo(1);
    assertThat(store.list("/", 1).kvs()).isEmpty();
    assertThat(store.get("/a", 1)).isEmpty();
    assertThatThrownBy(() -> store.list("/", 0)).isInstanceOf(CompactedException.class);
    assertThat(store.put("/a", v("1")).revision()).isEqualTo(2);
  }

  @Test
  void compactingToTheCurrentRevisionKeepsTheNewestRowOfEveryLiveKey() {
    for (int i = 0; i < 5; i++) {
      store.put("/k" + (i % 2), v("v" + i));
    }
    long current = store.revisions().current();
    store.compact(current);
    assertThat(store.list("/").kvs())
        .extracting(KeyValue::valueAsString)
        .containsExactly("v4", "v3");
    assertThat(store.history("/k0")).hasSize(1);
    assertThat(store.history("/k1")).hasSize(1);
  }

  @Test
  void readingBelowTheCompactedRevisionFails() {
    store.put("/a", v("1"));
    store.put("/a", v("2"));
    store.put("/a", v("3"));
    store.compact(3);

    assertThatThrownBy(() -> store.get("/a", 2))
        .isInstanceOfSatisfying(
            CompactedException.class,
            e -> {
              assertThat(e.requested()).isEqualTo(2);
              assertThat(e.compacted()).isEqualTo(3);
            });
    assertThatThrownBy(() -> store.list("/", 2)).isInstanceOf(CompactedException.class);
    assertThatThrownBy(() -> store.changes(1, 4, "/", 10)).isInstanceOf(CompactedException.class);
    assertThat(store.get("/a", 3).orElseThrow().valueAsString()).isEqualTo("2");
    assertThat(store.changes(2, 4, "/", 10)).extracting(KvEvent::revision).containsExactly(3L, 4L);
  }

  @Test
  void compactionPastTheCurrentRevisionFailsAndChangesNothing() {
    store.put("/a", v("1"));
    store.put("/a", v("2"));
    assertThatThrownBy(() -> store.compact(4)).isInstanceOf(FutureRevisionException.class);
    assertThat(store.history("/a")).hasSize(2);
    assertThat(store.revisions().compacted()).isZero();
  }

  @Test
  void compactingBackwardsIsANoOp() {
    store.put("/a", v("1"));
    store.put("/a", v("2"));
    store.put("/a", v("3"));
    store.compact(4);
    assertThat(store.compact(3)).isZero();
    assertThat(store.revisions().compacted()).isEqualTo(4);
  }

  @Test
  void compactionByAgeCompactsToTheFirstRevisionAtOrAfterTheInstant() {
    store.put("/a", v("old"));
    store.put("/a", v("older-but-live"));
    Instant cut = store.get("/a").orElseThrow().createdAt().plusNanos(1000);
    assertThat(store.compactBefore(store.history("/a").get(0).createdAt())).isEmpty();
    store.put("/a", v("new"));

    assertThat(store.compactBefore(cut)).hasValue(4);
    assertThat(store.history("/a")).extracting(KeyValue::valueAsString).containsExactly("new");
  }

  /**
   * 20,000 puts over 10 keys, compacted 1,000 revisions per step; the first step is held (before
   * its commit) until a put has been answered. Compaction in one statement under the writers' lock
   * (before issue 16) made that put wait for the whole compaction.
   */
  @Test
  void aPutDuringALargeCompactionIsAnsweredBeforeTheCompactionEnds() throws Exception {
    CountDownLatch inFirstStep = new CountDownLatch(1);
    CountDownLatch putAnswered = new CountDownLatch(1);
    StatementTimings holdFirstStep =
        (statement, nanos) -> {
          if (statement.equals("compact_step") && inFirstStep.getCount() > 0) {
            inFirstStep.countDown();
            try {
              putAnswered.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    KvStore stepped = new PgKvStore(db.pool(), 1024, 64, 128, 1_000, holdFirstStep);
    db.execute(
        "SELECT count(*) FROM kv_put_many("
            + "(SELECT array_agg('/hot/' || (i % 10) ORDER BY i) FROM generate_series(1, 20000) i),"
            + "(SELECT array_agg(convert_to('v' || i, 'UTF8') ORDER BY i) FROM generate_series(1, 20000) i))");
    long target = stepped.revisions().current();

    CompletableFuture<Long> compaction =
        CompletableFuture.supplyAsync(() -> stepped.compact(target));
    assertThat(inFirstStep.await(60, TimeUnit.SECONDS)).as("compaction at its first step").isTrue();
    long put = stepped.put("/other", v("during")).revision();
    boolean compactionStillRunning = !compaction.isDone();
    // between steps: below the target is refused already, at it the values are those of the end
    assertThatThrownBy(() -> stepped.get("/hot/1", target - 1))
        .isInstanceOf(CompactedException.class);
    assertThat(stepped.list("/hot/", target).kvs())
        .extracting(KeyValue::valueAsString)
        .containsExactly(
            "v20000", "v19991", "v19992", "v19993", "v19994", "v19995", "v19996", "v19997",
            "v19998", "v19999");
    putAnswered.countDown();

    assertThat(compactionStillRunning).as("compaction running when the put was answered").isTrue();
    assertThat(put).isEqualTo(target + 1);
    assertThat(compaction.get(60, TimeUnit.SECONDS)).isEqualTo(20_000 - 10);
    for (int k = 0; k < 10; k++) {
      assertThat(stepped.history("/hot/" + k)).hasSize(1);
    }
    assertThat(stepped.get("/other").orElseThrow().valueAsString()).isEqualTo("during");
    assertThat(stepped.revisions().compacted()).isEqualTo(target);
  }
}
