package io.keywatch.watch;

import io.keywatch.kv.ChangeLog;
import io.keywatch.kv.Changes;
import io.keywatch.kv.KvEvent;
import io.keywatch.kv.Revisions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
  /** The store's identity at the last poll. Guarded by {@link #position}. */
  private UUID storeId;

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
        state = new FeedState(false, revision, s.storeRevision(), s.lastPoll(), s.reconnects() + 1, String.valueOf(e.getMessage()));
        LOG.log(Level.WARNING, "RECONNECT in " + backoff.toMillis() + " ms after: " + e.getMessage());
        pause(backoff);
        backoff = backoff.multipliedBy(2).compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : backoff.multipliedBy(2);
      } finally {
        follower = null;
      }
    }
  }

  /** Reads and delivers everything after {@link #revision}: usually one read, one round trip. */
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
        read = f.changesAfter(revision, settings.batchSize());
        if (checkContinuity(read.revisions())) {
          delivered = true;
        } else if (revision < read.revisions().current()) {
          deliver(read.events());
          delivered = true;
        }
      } while (revision < read.revisions().current());
      if (afterConnect && !delivered) {
        listener.onBatch(new EventBatch(revision, revision, List.of()));
      }
      FeedState s = state;
      state = new FeedState(true, revision, read.revisions().current(), Instant.now(), s.reconnects(), s.lastError());
    } finally {
      position.unlock();
    }
  }

  /**
   * Checks that the store's history still continues from {@link #revision}; if not, tells the
   * listener and moves to the store's current revision. Returns whether it delivered a reset.
   */
  private boolean checkContinuity(Revisions store) {
    StoreReset.Reason reason = null;
    if (storeId != null && !storeId.equals(store.storeId())) {
      reason = StoreReset.Reason.STORE_RECREATED;
    } else if (store.current() < revision) {
      reason = StoreReset.Reason.REVISION_WENT_BACKWARDS;
    } else if (revision + 1 < store.compacted()) {
      reason = StoreReset.Reason.HISTORY_COMPACTED;
    }
    storeId = store.storeId();
    if (reason == null) {
      return false;
    }
    StoreReset reset = new StoreReset(reason, revision, store.current());
    LOG.warning(() -> "RESET " + reset);
    revision = store.current();
    listener.onReset(reset);
    moved.signalAll();
    return true;
  }

  private void deliver(List<KvEvent> events) {
    if (events.isEmpty()) {
      throw new IllegalStateException("no change after revision " + revision + " although the store is ahead");
    }
    long expected = revision;
    for (KvEvent e : events) {
      if (e.revision() != ++expected) {
        throw new IllegalStateException("revision gap: expected " + expected + " but read " + e.revision());
      }
    }
    EventBatch batch = new EventBatch(revision, expected, events);
    try {
      listener.onBatch(batch);
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "listener failed on batch " + batch.after() + ".." + batch.revision(), e);
    }
    revision = expected;
    moved.signalAll();
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
