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
    store = new PgKvStore(db.pool(), 1024, 64);
  }

  @AfterEach
  void dropStore() {
    db.close();
  }

  private static byte[] v(String s) {
    return s.getBytes(UTF_8);
  }

  /** The worked example of kv_compact in V1__kv.sql. */
  @Test
  void compactionKeepsEveryLiveValueAndRemovesWhatItShould() {
    store.put("/a", v("1")); // 1
    store.put("/b", v("1")); // 2
    store.put("/a", v("3")); // 3
    store.delete("/b"); // 4
    store.put("/c", v("5")); // 5
    store.put("/a", v("6")); // 6

    long removed = store.compact(5);

    assertThat(removed).isEqualTo(3); // a@1, b@2 and the tombstone b@4
    assertThat(store.history("/a")).extracting(KeyValue::modRevision).containsExactly(3L, 6L);
    assertThat(store.history("/b")).isEmpty();
    assertThat(store.get("/a", 5).orElseThrow().valueAsString()).isEqualTo("3");
    assertThat(store.get("/c").orElseThrow().valueAsString()).isEqualTo("5");
    assertThat(store.list("/", 5).kvs()).extracting(KeyValue::key).containsExactly("/a", "/c");
    assertThat(store.revisions().compacted()).isEqualTo(5);
  }

  @Test
  void compactingToTheCurrentRevisionKeepsTheNewestRowOfEveryLiveKey() {
    for (int i = 0; i < 5; i++) {
      store.put("/k" + (i % 2), v("v" + i));
    }
    long current = store.revisions().current();
    store.compact(current);
    assertThat(store.list("/").kvs()).extracting(KeyValue::valueAsString).containsExactly("v4", "v3");
    assertThat(store.history("/k0")).hasSize(1);
    assertThat(store.history("/k1")).hasSize(1);
  }

  @Test
  void readingBelowTheCompactedRevisionFails() {
    store.put("/a", v("1"));
    store.put("/a", v("2"));
    store.put("/a", v("3"));
    store.compact(2);

    assertThatThrownBy(() -> store.get("/a", 1))
        .isInstanceOfSatisfying(CompactedException.class, e -> {
          assertThat(e.requested()).isEqualTo(1);
          assertThat(e.compacted()).isEqualTo(2);
        });
    assertThatThrownBy(() -> store.list("/", 1)).isInstanceOf(CompactedException.class);
    assertThatThrownBy(() -> store.changes(0, 3, "/", 10)).isInstanceOf(CompactedException.class);
    assertThat(store.get("/a", 2).orElseThrow().valueAsString()).isEqualTo("2");
    assertThat(store.changes(1, 3, "/", 10)).extracting(KvEvent::revision).containsExactly(2L, 3L);
  }

  @Test
  void compactionPastTheCurrentRevisionFailsAndChangesNothing() {
    store.put("/a", v("1"));
    store.put("/a", v("2"));
    assertThatThrownBy(() -> store.compact(3)).isInstanceOf(FutureRevisionException.class);
    assertThat(store.history("/a")).hasSize(2);
    assertThat(store.revisions().compacted()).isZero();
  }

  @Test
  void compactingBackwardsIsANoOp() {
    store.put("/a", v("1"));
    store.put("/a", v("2"));
    store.put("/a", v("3"));
    store.compact(3);
    assertThat(store.compact(2)).isZero();
    assertThat(store.revisions().compacted()).isEqualTo(3);
  }

  @Test
  void compactionByAgeCompactsToTheFirstRevisionAtOrAfterTheInstant() {
    store.put("/a", v("old"));
    store.put("/a", v("older-but-live"));
    Instant cut = store.get("/a").orElseThrow().createdAt().plusNanos(1000);
    assertThat(store.compactBefore(store.history("/a").get(0).createdAt())).isEmpty();
    store.put("/a", v("new"));

    assertThat(store.compactBefore(cut)).hasValue(3);
    assertThat(store.history("/a")).extracting(KeyValue::valueAsString).containsExactly("new");
  }
}
