package io.keywatch.admin.etcd;

import io.keywatch.etcd.etcdserverpb.WatchCreateRequest;
import io.keywatch.etcd.mvccpb.Event;
import io.keywatch.kv.CompactedException;
import io.keywatch.kv.KvEvent;
import io.keywatch.watch.EventBatch;
import io.keywatch.watch.Watch;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One watch of an etcd watch stream: polls its hub {@link Watch} (of the range's list prefix) on
 * its own thread, keeps the events of its range that its filters let through, and hands them to the
 * {@link WatchSession}. {@link #position} is its bookmark: every change of the range up to it was
 * sent.
 *
 * <p>A live batch that starts at the bookmark is sent by the feed's thread itself ({@link #take}),
 * as the SSE stream does: that spares a wake-up of this watch's thread per batch. The feed's thread
 * only tries {@link #turn}, so it never waits for this watch's thread, only, briefly, for another
 * watch of the stream writing a response; whatever it leaves is queued for this thread.
 */
final class Watcher implements Runnable, Watch.DirectConsumer {

  private static final Logger LOG = Logger.getLogger(Watcher.class.getName());

  /** How long a poll waits before the watcher looks whether it was stopped. */
  private static final Duration POLL = Duration.ofSeconds(1);

  private final long id;
  private final KeyRange range;
  private final boolean prevKv;
  private final boolean noPut;
  private final boolean noDelete;
  private final boolean progressNotify;
  private final Watch watch;
  private final WatchSession session;
  private final long progressNanos;

  /** Held while a batch is sent, by this watch's thread or the feed's. */
  private final ReentrantLock turn = new ReentrantLock();

  /** Guarded by {@link #turn}; read without it for a progress answer. */
  private volatile long position;

  /** When the last response of this watch was sent. Guarded by {@link #turn}. */
  private long lastSent = System.nanoTime();

  private volatile boolean stopped;
  private volatile Thread thread;

  Watcher(
      long id,
      WatchCreateRequest request,
      Watch watch,
      long after,
      WatchSession session,
      Duration progressInterval) {
    this.id = id;
    this.range = KeyRange.of(request.getKey(), request.getRangeEnd());
    this.prevKv = request.getPrevKv();
    this.noPut = request.getFiltersList().contains(WatchCreateRequest.FilterType.NOPUT);
    this.noDelete = request.getFiltersList().contains(WatchCreateRequest.FilterType.NODELETE);
    this.progressNotify = request.getProgressNotify();
    this.watch = watch;
    this.position = after;
    this.session = session;
    this.progressNanos = progressInterval.toNanos();
  }

  long position() {
    return position;
  }

  /** Starts sending, once the stream has the watch's {@code created}: no event may precede it. */
  void start(Thread t) {
    thread = t;
    watch.deliverDirectly(this);
    t.start();
  }

  void stop() {
    stopped = true;
    Thread t = thread;
    if (t != null) {
      t.interrupt();
    }
  }

  @Override
  public void run() {
    try (watch) {
      while (!stopped) {
        EventBatch batch = watch.poll(POLL);
        turn.lock();
        try {
          send(batch);
        } finally {
          turn.unlock();
        }
      }
    } catch (InterruptedException e) {
      // stopped
    } catch (CompactedException e) {
      session.compacted(id, e.compacted());
    } catch (RuntimeException e) {
      // a reset or lost store, or a client gone while we wrote to it
      LOG.log(Level.FINE, "ETCD WATCH " + id + " ends: " + e, e);
      if (!stopped) {
        session.canceled(id, e.getMessage());
      }
    }
  }

  /**
   * On the feed's thread: sends a live batch if everything before it was sent and no one else is
   * sending; false leaves it to the queue. A failure stays here: the feed offers the batch to the
   * other watches after this one, and this thread finds out at its next send.
   */
  @Override
  public boolean take(EventBatch batch) {
    if (stopped || !turn.tryLock()) {
      return false;
    }
    try {
      if (position != batch.after()) {
        return false;
      }
      send(batch);
      return true;
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "ETCD WATCH " + id + " not sent by the feed: " + e, e);
      return false;
    } finally {
      turn.unlock();
    }
  }

  /** The batch's events of this watch, or a progress notification when one is due. */
  private void send(EventBatch batch) {
    List<Event> events =
        batch.events().stream()
            .filter(e -> e.revision() > position && range.contains(e.key()) && passes(e))
            .map(e -> EtcdMessages.event(e, prevKv))
            .toList();
    position = Math.max(position, batch.revision());
    if (!events.isEmpty()) {
      session.events(id, events, position);
      lastSent = System.nanoTime();
    } else if (progressNotify && System.nanoTime() - lastSent >= progressNanos) {
      session.progressNotify(id, position);
      lastSent = System.nanoTime();
    }
  }

  private boolean passes(KvEvent e) {
    return e.type() == KvEvent.Type.PUT ? !noPut : !noDelete;
  }
}
