package io.keywatch.bench.writes;

import io.keywatch.bench.lab.BenchDatabase;
import io.keywatch.kv.KvEvent;
import io.keywatch.watch.ChangeFeed;
import io.keywatch.watch.EventBatch;
import io.keywatch.watch.Watch;
import io.keywatch.watch.Watchers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One {@link ChangeFeed} and N pull {@link Watch}es on it, each drained by its own thread: the
 * fan-out tier, where one JVM's LISTEN connection serves many watchers (as the admin server's SSE
 * streams do).
 */
final class PullWatchers extends CountingWatchers {

  /** The servers' defaults (keywatch.watch.queue, keywatch.watch.batch-size). */
  private static final int QUEUE = 1024;

  private static final int HISTORY_BATCH = 1000;
  private static final Duration POLL = Duration.ofMillis(200);

  private final ChangeFeed feed;
  private final List<Thread> consumers = new ArrayList<>();
  private final List<Watch> watches = new ArrayList<>();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean closed;

  PullWatchers(BenchDatabase db, int n) throws InterruptedException {
    Watchers watchers = new Watchers(db.store(), QUEUE, HISTORY_BATCH);
    feed = db.startFeed("bench-fanout", watchers, watchers::attach);
    for (int i = 0; i < n; i++) {
      Watch w = watchers.watch("/bench/", feed.revision());
      watches.add(w);
      EventCount count = newCount();
      Thread t = new Thread(() -> drain(w, count), "pull-watch-" + i);
      consumers.add(t);
      t.start();
    }
  }

  private void drain(Watch w, EventCount count) {
    try {
      while (!closed) {
        EventBatch batch = w.poll(POLL);
        for (KvEvent e : batch.events()) {
          count.add(e.revision());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      failure.compareAndSet(null, e);
    }
  }

  /** How often a watch fell behind and re-read history, over all watches. */
  long victims() {
    return watches.stream().mapToLong(Watch::victimCount).sum();
  }

  @Override
  public void awaitAll(long events, Duration timeout) throws InterruptedException {
    if (failure.get() != null) {
      throw new IllegalStateException("a pull watch failed", failure.get());
    }
    super.awaitAll(events, timeout);
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    for (Thread t : consumers) {
      t.join();
    }
    watches.forEach(Watch::close);
    feed.close();
  }
}
