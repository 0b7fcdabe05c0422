package io.keywatch.watch;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keywatch.kv.KvEvent;
import io.keywatch.kv.LeaseStore;
import io.keywatch.kv.postgres.PgLeaseStore;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The deletes of a revoked or expired lease reach the watchers as one batch, like a transaction's.
 */
class LeaseWatchTest {

  private FeedFixture f;
  private LeaseStore leases;

  @BeforeEach
  void start() {
    f = FeedFixture.start();
    leases = new PgLeaseStore(f.db.pool(), 2);
  }

  @AfterEach
  void stop() {
    f.close();
    f.db.close();
  }

  private long leaseWithKeys(String prefix) {
    long lease = leases.grant(0, 60).id();
    for (String k : List.of("a", "b", "c")) {
      f.store.put(prefix + k, "v".getBytes(UTF_8), lease);
    }
    return lease;
  }

  private EventBatch batchOfDeletesAfter(long before) {
    long last = f.store.revisions().current();
    await().until(() -> f.feed.revision() >= last);
    return f.recorder.batches().stream()
        .filter(b -> b.events().stream().anyMatch(e -> e.revision() > before))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aRevokedLeasesDeletesArriveInOneBatch() {
    long lease = leaseWithKeys("/r/");
    long before = f.store.revisions().current();
    await().until(() -> f.feed.revision() >= before);

    leases.revoke(lease);

    EventBatch batch = batchOfDeletesAfter(before);
    assertThat(batch.events()).extracting(KvEvent::key).containsExactly("/r/a", "/r/b", "/r/c");
    assertThat(batch.events()).extracting(KvEvent::type).containsOnly(KvEvent.Type.DELETE);
    assertThat(batch.events()).extracting(e -> e.prevKv().lease()).containsOnly(lease);
  }

  @Test
  void anExpiredLeasesDeletesArriveInOneBatch() {
    long lease = leaseWithKeys("/e/");
    long before = f.store.revisions().current();
    await().until(() -> f.feed.revision() >= before);

    f.db.execute("UPDATE lease SET expires_at = now() - interval '1 second' WHERE id = " + lease);
    assertThat(leases.expire(10)).containsExactly(lease);

    EventBatch batch = batchOfDeletesAfter(before);
    assertThat(batch.events()).extracting(KvEvent::key).containsExactly("/e/a", "/e/b", "/e/c");
    assertThat(batch.events())
        .extracting(KvEvent::revision)
        .containsExactly(before + 1, before + 2, before + 3);
  }
}
