package io.keywatch.watch;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.keywatch.kv.KvEvent;
import io.keywatch.kv.PutResult;
import io.keywatch.kv.StoreUnavailableException;
import io.keywatch.testdb.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** PostgreSQL stopped and started: nothing acknowledged is lost, and the outage is told. */
class PostgresRestartTest {

  @Test
  void aDatabaseGonePastTheHeartbeatIsToldToAWaitingWatchWhichThenGoesOnWithNothingLostOrRepeated()
      throws Exception {
    Assumptions.assumeTrue(TestDatabase.canRestart(), "needs the embedded PostgreSQL");
    FeedFixture f = FeedFixture.start();
    ExecutorService consumer = Executors.newSingleThreadExecutor();
    try {
      long start = f.store.revisions().current();
      Watch watch = f.watchers.watch("/outage/", start);
      List<Long> seen = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        f.store.put("/outage/" + i, "before".getBytes(UTF_8));
      }
      while (seen.size() < 3) {
        watch.poll(Duration.ofSeconds(5)).events().stream()
            .map(KvEvent::revision)
            .forEach(seen::add);
      }

      // a consumer waiting long in poll is woken to be told, about one heartbeat (1 s) after the
      // stop
      Future<Long> toldAfterMillis =
          consumer.submit(
              () -> {
                long t0 = System.nanoTime();
                try {
                  while (true) {
                    watch.poll(Duration.ofSeconds(60)).events().stream()
                        .map(KvEvent::revision)
                        .forEach(seen::add);
                  }
                } catch (StoreUnavailableException e) {
                  return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                }
              });
      long stopped = System.nanoTime();
      TestDatabase.stopServer();
      long told = toldAfterMillis.get(10, TimeUnit.SECONDS);
      long fromStop = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);
      System.out.println(
          "OUTAGE told to the watch " + fromStop + " ms after the stop (heartbeat 1000 ms)");
      assertThat(told).isLessThan(4_000);
      // the feed nudges the watches before it tells the next listener, and a woken watch no longer
      // waits for the feed's lock: the recorder may hear of it a moment after the watch
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(f.recorder.outages()).hasSize(1));
      assertThat(f.feed.unavailable()).isTrue();
      // told again on every poll while the outage lasts
      assertThatThrownBy(() -> watch.poll(Duration.ofSeconds(5)))
          .isInstanceOf(StoreUnavailableException.class);

      TestDatabase.startServer();
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(
              () -> {
                f.store.put("/outage/3", "after".getBytes(UTF_8));
                return true;
              });
      for (int i = 4; i < 6; i++) {
        f.store.put("/outage/" + i, "after".getBytes(UTF_8));
      }
      long after = f.store.revisions().current();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                try {
                  watch.poll(Duration.ofMillis(100)).events().stream()
                      .map(KvEvent::revision)
                      .forEach(seen::add);
                } catch (StoreUnavailableException e) {
                  // the feed is not back yet
                }
                return seen.size() >= after - start;
              });
      assertThat(seen)
          .containsExactlyElementsOf(LongStream.rangeClosed(start + 1, after).boxed().toList());
      assertThat(f.feed.unavailable()).isFalse();
    } finally {
      consumer.shutdownNow();
      TestDatabase.startServer();
      f.close();
      f.db.close();
    }
  }

  @Test
  void aRestartUnderLoadLosesNoAcknowledgedWriteAndTheFeedSeesEveryRevisionOnce() throws Exception {
    Assumptions.assumeTrue(TestDatabase.canRestart(), "needs the embedded PostgreSQL");
    FeedFixture f = FeedFixture.start();
    AtomicInteger failures = new AtomicInteger();
    AtomicBoolean restarted = new AtomicBoolean();
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try {
      Future<List<PutResult>> acknowledged =
          writer.submit(
              () -> {
                List<PutResult> acks = new ArrayList<>();
                int afterRestart = 0;
                for (int i = 0; afterRestart < 100; ) {
                  try {
                    acks.add(f.store.put("/load/" + (i % 7), ("v" + i).getBytes(UTF_8)));
                    i++;
                    afterRestart += restarted.get() ? 1 : 0;
                  } catch (StoreUnavailableException e) {
                    failures.incrementAndGet();
                    LockSupport.parkNanos(
                        Duration.ofMillis(20).toNanos()); // a client's retry pause
                  }
                }
                return acks;
              });
      await().until(() -> f.feed.revision() >= 100);
      TestDatabase.stopServer();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
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
        assertThat(f.store.get(ack.kv().key(), ack.revision()).orElseThrow().value())
            .isEqualTo(ack.kv().value());
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> f.feed.revision() == current);
      assertThat(f.recorder.revisions())
          .containsExactlyElementsOf(
              LongStream.rangeClosed(2, current).boxed().toList()); // the first write is 2
    } finally {
      writer.shutdownNow();
      TestDatabase.startServer();
      f.close();
      f.db.close();
    }
  }
}
