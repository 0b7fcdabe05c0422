package io.keywatch.watch;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keywatch.kv.PutResult;
import io.keywatch.kv.StoreUnavailableException;
import io.keywatch.testdb.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** PostgreSQL stopped and started under a steady write load: nothing acknowledged is lost. */
class PostgresRestartTest {

  @Test
  void aRestartUnderLoadLosesNoAcknowledgedWriteAndTheFeedSeesEveryRevisionOnce() throws Exception {
    Assumptions.assumeTrue(TestDatabase.canRestart(), "needs the embedded PostgreSQL");
    FeedFixture f = FeedFixture.start();
    AtomicInteger failures = new AtomicInteger();
    AtomicBoolean restarted = new AtomicBoolean();
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try {
      Future<List<PutResult>> acknowledged = writer.submit(() -> {
        List<PutResult> acks = new ArrayList<>();
        int afterRestart = 0;
        for (int i = 0; afterRestart < 100; ) {
          try {
            acks.add(f.store.put("/load/" + (i % 7), ("v" + i).getBytes(UTF_8)));
            i++;
            afterRestart += restarted.get() ? 1 : 0;
          } catch (StoreUnavailableException e) {
            failures.incrementAndGet();
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos()); // a client's retry pause
          }
        }
        return acks;
      });
      await().until(() -> f.feed.revision() >= 100);
      TestDatabase.stopServer();
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        if (acknowledged.isDone()) {
          acknowledged.get(); // a writer that stopped early: show why
        }
        return failures.get() >= 3 && !f.feed.state().connected();
      });
      TestDatabase.startServer();
      restarted.set(true);

      List<PutResult> acks = acknowledged.get();
      long current = f.store.revisions().current();
      assertThat(current).isGreaterThanOrEqualTo(acks.size());
      for (PutResult ack : acks) {
        assertThat(f.store.get(ack.kv().key(), ack.revision()).orElseThrow().value()).isEqualTo(ack.kv().value());
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> f.feed.revision() == current);
      assertThat(f.recorder.revisions()).containsExactlyElementsOf(LongStream.rangeClosed(2, current).boxed().toList()); // the first write is 2
    } finally {
      writer.shutdownNow();
      TestDatabase.startServer();
      f.close();
      f.db.close();
    }
  }
}
