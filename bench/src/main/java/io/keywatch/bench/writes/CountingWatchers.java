package io.keywatch.bench.writes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Watchers that each fill an {@link EventCount}; waiting for them is the same for every kind. */
public abstract class CountingWatchers implements WatcherGroup {

  protected final List<EventCount> counts = new ArrayList<>();

  protected EventCount newCount() {
    EventCount c = new EventCount();
    counts.add(c);
    return c;
  }

  @Override
  public void awaitAll(long events, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (EventCount c : counts) {
      while (c.count() < events && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      if (c.count() != events || c.problem() != null) {
        throw new IllegalStateException("a watcher has " + c + ", expected " + events + " events");
      }
    }
  }
}
