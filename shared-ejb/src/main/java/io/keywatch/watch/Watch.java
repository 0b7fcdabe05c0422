package io.keywatch.watch;

import io.keywatch.kv.KvEvent;
import io.keywatch.kv.KvStore;
import io.keywatch.kv.StoreUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A pull-based watch of one prefix from a revision, read by one consumer thread with {@link #poll}.
 * It starts <em>unsynced</em>: each poll reads the next part of history from the table, on the
 * consumer's thread, until it reaches the feed's position; then, under the feed's position lock, it
 * turns <em>synced</em> and receives live batches through a bounded queue. If the consumer is so
 * slow that the queue is full, the watch becomes a <em>victim</em>: it drops back to unsynced and
 * later reads what it missed from the table, so neither the feed nor other watches ever wait for
 * it.
 *
 * <p>While the feed is unavailable (no poll has succeeded for a heartbeat: the database is gone),
 * poll throws {@link StoreUnavailableException} once the queue is drained, and a consumer waiting
 * in poll is woken to be told. The watch stays usable: it keeps its place and, once the feed is
 * back, goes on after the last revision it returned, missing and repeating nothing.
 *
 * <p>Example: created after 10 while the feed is at 15; the first poll reads 11..15 from the table;
 * the next finds nothing more to read, turns synced, and waits for the batch 16..16.
 *
 * <p>A consumer may also take live batches on the feed's thread ({@link #deliverDirectly}): while
 * nothing is queued, the feed first offers each batch to it, and queues it only if refused. That
 * spares a hand-off to the consumer's thread per batch (a wake-up, and on a busy machine a wait for
 * a core) for a consumer that can take a batch at once without blocking, such as a watch stream
 * whose socket has room.
 */
public final class Watch implements AutoCloseable {

  /** Put in the queue to wake the consumer, which then finds out why; never returned. */
  private static final EventBatch NUDGE = new EventBatch(-1, -1, List.of());

  private final String prefix;
  private final KvStore store;
  private final ChangeFeed feed;
  private final Watchers owner;
  private final int historyBatch;
  private final BlockingQueue<EventBatch> queue;

  /**
   * Every revision up to here was returned by poll or is in the queue. Guarded by the feed's
   * position lock once synced.
   */
  private volatile long scanned;

  /**
   * Written under the feed's position lock; volatile so that a poll reads it without that lock,
   * which the feed holds through each of its reads of the database: a synced consumer then never
   * waits for the feed's round trip, nor do a hundred consumers contend with the feed for its lock.
   * Only the consumer sets it (in {@link #readHistory}); the feed only clears it, and whenever it
   * does the consumer finds something in the queue (a full queue, or a nudge after a reset).
   */
  private volatile boolean synced;

  private volatile DirectConsumer direct;
  private volatile long victimCount;
  private volatile StoreReset reset;
  private volatile boolean closed;

  Watch(
      String prefix,
      long after,
      KvStore store,
      ChangeFeed feed,
      Watchers owner,
      int queueCapacity,
      int historyBatch) {
    this.prefix = prefix;
    this.scanned = after;
    this.store = store;
    this.feed = feed;
    this.owner = owner;
    this.historyBatch = historyBatch;
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
  }

  /**
   * Takes a live batch on the feed's thread, under its position lock, in place of the queue. It
   * must never block nor call back into the watch or the feed; false leaves the batch to the queue.
   * An accepted batch counts as returned by poll. Batches come in revision order, each starting
   * where the previous one (accepted or queued) ended; an empty one only moves the position.
   */
  @FunctionalInterface
  public interface DirectConsumer {
    boolean take(EventBatch batch);
  }

  /**
   * Offers the live batches to {@code consumer} first, whenever nothing is queued; the consumer's
   * thread goes on polling for the rest (history, queued batches, progress).
   */
  public void deliverDirectly(DirectConsumer consumer) {
    direct = consumer;
  }

  public String prefix() {
    return prefix;
  }

  /** How often this watch fell behind and went back to reading history. */
  public long victimCount() {
    return victimCount;
  }

  /**
   * The next batch of changes under the prefix, waiting at most {@code timeout} for one. An empty
   * batch is a progress report: nothing under the prefix changed up to its revision (while the feed
   * has not reached the store yet, nothing is known and the revision does not move).
   *
   * @throws io.keywatch.kv.CompactedException if history it still has to read was compacted
   * @throws WatchResetException if the store was reset under it; start over from a snapshot
   * @throws StoreUnavailableException while the feed is unavailable; poll again later to go on
   */
  public EventBatch poll(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    if (feed.revision() < 0 && !feed.awaitRevision(0, timeout)) {
      if (feed.unavailable()) {
        throw unavailable();
      }
      return new EventBatch(scanned, scanned, List.of());
    }
    while (true) {
      if (reset != null) {
        throw new WatchResetException(reset);
      }
      EventBatch queued = nextQueued();
      if (queued != null) {
        return queued;
      }
      if (feed.unavailable()) {
        throw unavailable();
      }
      if (synced) {
        EventBatch live = waitLive(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        if (live != null) {
          return live;
        }
        continue;
      }
      EventBatch history = readHistory();
      if (history != null) {
        return history;
      }
    }
  }

  private static StoreUnavailableException unavailable() {
    return new StoreUnavailableException(
        "the watch cannot follow the store: its database has been unreachable for more than a heartbeat",
        null);
  }

  private EventBatch nextQueued() {
    EventBatch b;
    do {
      b = queue.poll();
    } while (b == NUDGE);
    return b;
  }

  /**
   * The batch already queued, or null: never waits, never reads history and never takes the feed's
   * lock (a stream takes what queued up behind the batch it is about to write).
   *
   * @throws WatchResetException if the store was reset under it
   */
  public EventBatch pollQueued() {
    if (reset != null) {
      throw new WatchResetException(reset);
    }
    return nextQueued();
  }

  /** The next part of history, or null once caught up (then the watch is synced). */
  private EventBatch readHistory() {
    long target = feed.revision();
    long from = scanned;
    if (from < target) {
      List<KvEvent> events = store.changes(from, target, prefix, historyBatch);
      long upTo = events.size() >= historyBatch ? events.get(events.size() - 1).revision() : target;
      scanned = upTo;
      return new EventBatch(from, upTo, events);
    }
    feed.atPosition(at -> synced = scanned >= at);
    return null;
  }

  /** The next live batch or a progress report; null when nudged (the caller looks why). */
  private EventBatch waitLive(Duration timeout) throws InterruptedException {
    EventBatch batch = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (batch == NUDGE) {
      return null;
    }
    if (batch != null) {
      return batch;
    }
    return feed.atPosition(
        at -> {
          // a batch the feed queued since the wait ran out comes first: progress up to scanned
          // would pass over it, and the consumer would take its events as already seen
          EventBatch queued = nextQueued();
          if (queued != null) {
            return queued;
          }
          if (!synced || reset != null) {
            return new EventBatch(scanned, scanned, List.of());
          }
          long from = scanned;
          scanned = Math.max(scanned, at);
          return new EventBatch(from, scanned, List.of());
        });
  }

  /**
   * Called by the feed, under its position lock. Skips what the watch has already covered: a watch
   * created after a revision the feed has not reached yet is synced at once, and the feed's next
   * batches may start below that revision.
   */
  void offer(EventBatch batch) {
    if (!synced || closed || batch.revision() <= scanned) {
      return;
    }
    long from = scanned;
    EventBatch filtered = batch.filter(prefix);
    List<KvEvent> mine =
        filtered.after() >= from
            ? filtered.events()
            : filtered.events().stream().filter(e -> e.revision() > from).toList();
    DirectConsumer d = direct;
    if (d != null && queue.isEmpty() && d.take(new EventBatch(from, batch.revision(), mine))) {
      scanned = batch.revision();
      return;
    }
    if (mine.isEmpty()) {
      scanned = batch.revision();
      return;
    }
    if (queue.offer(new EventBatch(from, batch.revision(), mine))) {
      scanned = batch.revision();
    } else {
      synced = false;
      victimCount++;
    }
  }

  /** Called by the feed, under its position lock. */
  void reset(StoreReset r) {
    reset = r;
    synced = false;
    nudge();
  }

  /**
   * Wakes a consumer waiting in poll. A full queue needs no nudge: the consumer is not waiting. A
   * nudge that takes the last free place may make the next batch miss it: the watch then reads that
   * batch from history, as any victim does.
   */
  void nudge() {
    queue.offer(NUDGE);
  }

  @Override
  public void close() {
    closed = true;
    owner.remove(this);
  }
}
