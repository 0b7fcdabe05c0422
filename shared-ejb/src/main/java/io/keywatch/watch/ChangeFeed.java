package io.keywatch.watch;

import io.keywatch.kv.ChangeLog;
import io.keywatch.kv.Changes;
import io.keywatch.kv.KvEvent;
import io.keywatch.kv.Revisions;
import io.keywatch.kv.StoreUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The watch loop: one follower of the store's {@link ChangeLog} (on PostgreSQL, one dedicated
 * LISTEN connection) that reads the log whenever it wakes up. The wake-up only says when to read;
 * the log is the truth.
 *
 * <pre>
 * follow ── poll ──┬── wait for a write, at most one heartbeat ── poll ──┐
 *    ^             └─────────────────────────────────────────────────────┘
 *    └── any failure: back off (doubling, capped), follow again; nothing is skipped or repeated
 * </pre>
 *
 * <p>A poll reads, in one snapshot, the store's revisions and the changes after the last delivered
 * revision, in batches. Because revisions are gap-free and commit-ordered (unlike kine's ids, which
 * can skip), "everything after R" in one snapshot is exactly what is new: nothing is missed,
 * nothing delivered twice. A poll on a timeout is the heartbeat: a follower that went silent fails
 * its read, and the loop follows again.
 *
 * <p>A follower is woken by every write committed after it started, so a write that commits before
 * its first poll is either read by that poll or wakes the next one. The first poll after each
 * (re)start delivers a batch even when nothing changed, so mirrors learn the store's position.
 *
 * <p>Two failures would otherwise be silent:
 *
 * <ol>
 *   <li>The database is gone. Once no poll has succeeded for one heartbeat, the feed is
 *       <em>unavailable</em>: it tells the listener once ({@link FeedListener#onUnavailable}) and
 *       goes on reconnecting; the first poll that succeeds again ends it and delivers everything
 *       after the last delivered revision, as after any reconnect.
 *   <li>The history was rewritten under the same store id (a restored backup: rows deleted, older
 *       ones put back, the counter set back, then new writes, maybe past the old head). Each poll
 *       reads from one revision below its position, so the row at the position comes back in the
 *       same read at no extra round trip, and compares it with the row it delivered there ({@link
 *       RowMark}). Example: delivered up to 20, where /a was written at 12:00:01; a restore to 17
 *       and five writes make 18..22; the next poll reads 20 = /b at 12:05:00, not /a, and resets
 *       instead of delivering 21 and 22 as if 18..20 had never changed.
 * </ol>
 */
public final class ChangeFeed implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ChangeFeed.class.getName());

  /** How the loop paces itself. */
  public record Settings(
      Duration heartbeat, Duration minBackoff, Duration maxBackoff, int batchSize) {}

  private final ChangeLog log;
  private final Settings settings;
  private final FeedListener listener;

  /**
   * Held while a poll delivers, and by {@link #atPosition}: whoever holds it sees a revision that
   * every delivered batch is at or below and no new batch is delivered until it is released.
   */
  private final ReentrantLock position = new ReentrantLock();

  /** Signalled, under {@link #position}, when {@link #revision} moves. */
  private final Condition moved = position.newCondition();

  /** The last revision delivered; -1 until the first poll. Written under {@link #position}. */
  private volatile long revision = -1;

  /** The store's identity at the last poll. Written under {@link #position}. */
  private volatile UUID storeId;

  /**
   * The row at {@link #revision} as last read (null: there is none), once {@link #markKnown}: not
   * yet after a start or a reset. Guarded by {@link #position}.
   */
  private RowMark mark;

  private boolean markKnown;

  /** When a poll last succeeded (or the feed started), as {@link System#nanoTime}. */
  private volatile long lastPollNanos;

  /**
   * Whether the feed told its listener that the store is unreachable and no poll succeeded since.
   */
  private volatile boolean unavailable;

  private volatile FeedState state = new FeedState(false, -1, -1, null, 0, null);
  private volatile boolean closed;
  private volatile ChangeLog.Follower follower;
  private final Object backoffSleep = new Object();

  private Thread thread;

  public ChangeFeed(ChangeLog log, Settings settings, FeedListener listener) {
    this.log = log;
    this.settings = settings;
    this.listener = listener;
  }

  public synchronized void start(ThreadFactory threads) {
    lastPollNanos = System.nanoTime();
    thread = threads.newThread(this::run);
    thread.setName("keywatch-feed");
    thread.setDaemon(true);
    thread.start();
  }

  /** The last delivered revision, or -1 before the first poll. */
  public long revision() {
    return revision;
  }

  public FeedState state() {
    return state;
  }

  /** The store's id at the last poll; null before the first. */
  public UUID storeId() {
    return storeId;
  }

  /** Whether no poll has succeeded for more than one heartbeat (the database is unreachable). */
  public boolean unavailable() {
    return unavailable;
  }

  /**
   * Runs {@code action} with the last delivered revision while no batch can be delivered, so that
   * what it reads as of that revision joins the batches after it without gap or overlap.
   */
  public <T> T atPosition(LongFunction<T> action) {
    position.lock();
    try {
      return action.apply(revision);
    } finally {
      position.unlock();
    }
  }

  /** Waits until the feed has delivered at least {@code target}; false on timeout. */
  public boolean awaitRevision(long target, Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    position.lock();
    try {
      while (revision < target) {
        if (nanos <= 0) {
          return false;
        }
        nanos = moved.awaitNanos(nanos);
      }
      return true;
    } finally {
      position.unlock();
    }
  }

  private void run() {
    Duration backoff = settings.minBackoff();
    while (!closed) {
      try (ChangeLog.Follower f = log.follow()) {
        follower = f;
        LOG.info(() -> "FOLLOW from revision " + revision);
        poll(f, true);
        backoff = settings.minBackoff();
        while (!closed) {
          f.awaitWrite(settings.heartbeat());
          poll(f, false);
        }
      } catch (RuntimeException e) {
        if (closed) {
          break;
        }
        FeedState s = state;
        state =
            new FeedState(
                false,
                revision,
                s.storeRevision(),
                s.lastPoll(),
                s.reconnects() + 1,
                String.valueOf(e.getMessage()));
        long untilDeadline = settings.heartbeat().toNanos() - (System.nanoTime() - lastPollNanos);
        if (untilDeadline <= 0 && !unavailable) {
          goUnavailable(e);
        }
        // wake at the deadline rather than sleep past it, so that the outage is told on time
        Duration wait =
            unavailable
                ? backoff
                : Duration.ofNanos(Math.min(backoff.toNanos(), Math.max(untilDeadline, 1)));
        // before the first success the log is usually not up yet (an admin still deploying, a
        // database still starting): no warning then; one that lasts is told at the deadline
        LOG.log(
            s.lastPoll() != null || unavailable ? Level.WARNING : Level.INFO,
            "RECONNECT in " + wait.toMillis() + " ms after: " + e.getMessage());
        pause(wait);
        backoff =
            backoff.multipliedBy(2).compareTo(settings.maxBackoff()) > 0
                ? settings.maxBackoff()
                : backoff.multipliedBy(2);
      } finally {
        follower = null;
      }
    }
  }

  /**
   * Tells the listener, once per outage, that the store has been unreachable for a heartbeat. Under
   * {@link #position}, like every other call of the listener.
   */
  private void goUnavailable(RuntimeException cause) {
    position.lock();
    try {
      unavailable = true;
      LOG.warning(
          () ->
              "UNAVAILABLE since more than "
                  + settings.heartbeat().toMillis()
                  + " ms at revision "
                  + revision);
      listener.onUnavailable(
          new StoreUnavailableException(
              "the store's database has been unreachable for more than "
                  + settings.heartbeat().toMillis()
                  + " ms",
              cause));
    } finally {
      position.unlock();
    }
  }

  /**
   * Reads and delivers everything after {@link #revision}: usually one read, one round trip. The
   * read starts one revision lower, to see the row at the position again (see {@link RowMark}).
   */
  private void poll(ChangeLog.Follower f, boolean afterConnect) {
    position.lock();
    try {
      boolean delivered = false;
      if (revision < 0) {
        Revisions store = f.revisions();
        storeId = store.storeId();
        revision = store.current();
        moved.signalAll();
      }
      Changes read;
      do {
        read = f.changesAfter(Math.max(0, revision - 1), settings.batchSize() + 1);
        List<KvEvent> events = read.events();
        KvEvent atPosition =
            !events.isEmpty() && events.get(0).revision() == revision ? events.get(0) : null;
        if (checkContinuity(read.revisions(), RowMark.of(atPosition))) {
          delivered = true;
        } else if (revision < read.revisions().current()) {
          deliver(atPosition == null ? events : events.subList(1, events.size()));
          delivered = true;
        }
      } while (revision < read.revisions().current());
      if (afterConnect && !delivered) {
        listener.onBatch(new EventBatch(revision, revision, List.of()));
      }
      lastPollNanos = System.nanoTime();
      if (unavailable) {
        unavailable = false;
        LOG.info(() -> "AVAILABLE again at revision " + revision);
      }
      FeedState s = state;
      state =
          new FeedState(
              true,
              revision,
              read.revisions().current(),
              Instant.now(),
              s.reconnects(),
              s.lastError());
    } finally {
      position.unlock();
    }
  }

  /**
   * Checks that the store's history still continues from {@link #revision}; if not, tells the
   * listener and moves to the store's current revision. Returns whether it delivered a reset.
   */
  private boolean checkContinuity(Revisions store, RowMark now) {
    StoreReset.Reason reason = null;
    if (storeId != null && !storeId.equals(store.storeId())) {
      reason = StoreReset.Reason.STORE_RECREATED;
    } else if (store.current() < revision) {
      reason = StoreReset.Reason.REVISION_WENT_BACKWARDS;
    } else if (revision + 1 < store.compacted()) {
      reason = StoreReset.Reason.HISTORY_COMPACTED;
    } else if (markKnown
        && !Objects.equals(mark, now)
        && !(now == null && revision < store.compacted())) {
      // a row gone below the compacted revision was compacted away; any other change is a rewrite
      reason = StoreReset.Reason.HISTORY_REWRITTEN;
    }
    storeId = store.storeId();
    if (reason == null) {
      mark = now;
      markKnown = true;
      return false;
    }
    StoreReset reset = new StoreReset(reason, revision, store.current());
    LOG.warning(() -> "RESET " + reset);
    revision = store.current();
    markKnown = false;
    listener.onReset(reset);
    moved.signalAll();
    return true;
  }

  private void deliver(List<KvEvent> events) {
    if (events.isEmpty()) {
      throw new IllegalStateException(
          "no change after revision " + revision + " although the store is ahead");
    }
    long expected = revision;
    for (KvEvent e : events) {
      if (e.revision() != ++expected) {
        throw new IllegalStateException(
            "revision gap: expected " + expected + " but read " + e.revision());
      }
    }
    EventBatch batch = new EventBatch(revision, expected, events);
    try {
      listener.onBatch(batch);
    } catch (RuntimeException e) {
      LOG.log(
          Level.SEVERE, "listener failed on batch " + batch.after() + ".." + batch.revision(), e);
    }
    revision = expected;
    mark = RowMark.of(events.get(events.size() - 1));
    markKnown = true;
    moved.signalAll();
  }

  /**
   * What identifies the row written at one revision: a restore that rewrites that revision writes
   * another key, or the same key at another time. The value and {@code prevKv} are left out: the
   * first costs a comparison of bytes, the second is dropped by compaction of the row before.
   */
  private record RowMark(
      String key,
      long revision,
      long createRevision,
      long version,
      long txnRevision,
      Instant createdAt) {

    static RowMark of(KvEvent e) {
      if (e == null) {
        return null;
      }
      return new RowMark(
          e.key(),
          e.revision(),
          e.kv().createRevision(),
          e.kv().version(),
          e.txnRevision(),
          e.kv().createdAt());
    }
  }

  private void pause(Duration d) {
    synchronized (backoffSleep) {
      if (closed) {
        return;
      }
      try {
        backoffSleep.wait(Math.max(1, d.toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        closed = true;
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    synchronized (backoffSleep) {
      backoffSleep.notifyAll();
    }
    ChangeLog.Follower f = follower;
    if (f != null) {
      f.close();
    }
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      try {
        t.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
