package io.keywatch.admin.etcd;

import io.keywatch.etcd.etcdserverpb.WatchCreateRequest;
import io.keywatch.etcd.mvccpb.Event;
import io.keywatch.kv.CompactedException;
import io.keywatch.kv.KvEvent;
import io.keywatch.watch.EventBatch;
import io.keywatch.watch.Watch;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One watch of an etcd watch stream: polls its hub {@link Watch} (of the range's list prefix) on
 * its own thread, keeps the events of its range that its filters let through, and hands them to the
 * {@link WatchSession}. {@link #position} is its bookmark: every change of the range up to it was
 * sent.
 */
final class Watcher implements Runnable {

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

  private volatile long position;
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

  void start(Thread t) {
    thread = t;
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
    long lastSent = System.nanoTime();
    try (watch) {
      while (!stopped) {
        EventBatch batch = watch.poll(POLL);
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

  private boolean passes(KvEvent e) {
    return e.type() == KvEvent.Type.PUT ? !noPut : !noDelete;
  }
}
