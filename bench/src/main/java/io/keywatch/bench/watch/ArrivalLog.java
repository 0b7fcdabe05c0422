package io.keywatch.bench.watch;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;

/**
 * When a watcher first saw each revision. Every watcher here receives events in revision order, so
 * the log keeps a watermark: an event for revision R means every revision up to R has arrived. The
 * time is taken on the watcher's thread the moment it has the event, before any locking.
 */
public final class ArrivalLog {

  private final TreeMap<Long, Long> arrivals = new TreeMap<>();
  private long watermark = -1;

  public void arrived(long revision) {
    long now = System.nanoTime();
    synchronized (this) {
      if (revision > watermark) {
        watermark = revision;
        arrivals.put(revision, now);
        notifyAll();
      }
    }
  }

  /** The arrival time (System.nanoTime) of {@code revision}, waiting for it if needed. */
  public synchronized long await(long revision, Duration timeout)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (watermark < revision) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new TimeoutException(
            "revision "
                + revision
                + " not seen by the watcher within "
                + timeout
                + " (at "
                + watermark
                + ")");
      }
      wait(Math.max(1, left / 1_000_000));
    }
    Map.Entry<Long, Long> first = arrivals.ceilingEntry(revision);
    arrivals.headMap(revision, true).clear();
    return first.getValue();
  }
}
