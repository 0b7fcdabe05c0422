package io.keywatch.admin.watch;

import io.keywatch.admin.problems.Problems;
import io.keywatch.kv.KvEvent;
import io.keywatch.watch.EventBatch;
import io.keywatch.watch.Watch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.glassfish.jersey.server.ChunkedOutput;

/**
 * One client's stream: pulls batches from its {@link Watch} and writes them as events, on its own
 * thread, until the client goes away (a write fails) or the server ends it with an {@code error}
 * event. The events of a batch, and of the batches queued behind it, go out in one write and one
 * flush of up to about {@value #WRITE_SIZE} bytes: with many streams, a write per event costs more
 * than the rest of the path, and a stream that fell behind catches up in few writes instead of
 * overflowing its queue (and re-reading history from the table).
 *
 * <p>{@link #position} is the stream's bookmark: every change under the prefix up to it was sent.
 * Each change event and each progress event carries it as {@code id}, so {@code Last-Event-ID}
 * resumes exactly after it. A quiet client gets a progress event at least every {@code
 * progressInterval}; that keeps its bookmark near the store revision (so it can resume even after
 * compaction of older history) and finds out soon when the client is gone.
 */
final class WatchStream implements Runnable {

  private static final Logger LOG = Logger.getLogger(WatchStream.class.getName());
  private static final int WRITE_SIZE = 64 * 1024;

  private final Watch watch;
  private final boolean batchEnds;
  private final boolean asStored;
  private final ChunkedOutput<byte[]> out;
  private final EventFrames frames;
  private final long progressNanos;
  private final Consumer<WatchStream> onClose;

  /** Only the stream's thread touches these. */
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

  private long position;
  private long lastSentNanos;

  private volatile Thread thread;
  private volatile boolean stopping;

  WatchStream(
      Watch watch,
      long after,
      boolean batchEnds,
      boolean asStored,
      ChunkedOutput<byte[]> out,
      EventFrames frames,
      Duration progressInterval,
      Consumer<WatchStream> onClose) {
    this.watch = watch;
    this.batchEnds = batchEnds;
    this.asStored = asStored;
    this.position = after;
    this.out = out;
    this.frames = frames;
    this.progressNanos = progressInterval.toNanos();
    this.onClose = onClose;
  }

  void start(Thread t) {
    thread = t;
    t.start();
  }

  /** Ends the stream soon, telling the client why; called when the server stops. */
  void stop() {
    stopping = true;
    Thread t = thread;
    if (t != null) {
      t.interrupt();
    }
  }

  @Override
  public void run() {
    try (watch) {
      // the first event goes out at once: it opens the response and tells where the stream starts
      if (!send(EventFrames.progress(position))) {
        return;
      }
      while (!stopping) {
        long quiet = System.nanoTime() - lastSentNanos;
        EventBatch batch = watch.poll(Duration.ofNanos(Math.max(1_000_000, progressNanos - quiet)));
        if (!add(batch)) {
          return;
        }
        // a stream that fell behind takes what has queued up meanwhile into the same write; only
        // what is queued, so the write never waits for the feed (which reads under its lock)
        while (pending.size() > 0 && pending.size() < WRITE_SIZE) {
          EventBatch queued = watch.pollQueued();
          if (queued == null) {
            break;
          }
          if (!add(queued)) {
            return;
          }
        }
        if (pending.size() > 0 && !sendPending()) {
          return;
        }
        if (System.nanoTime() - lastSentNanos >= progressNanos
            && !send(EventFrames.progress(position))) {
          return;
        }
      }
      send(EventFrames.error(Problems.stopping()));
    } catch (InterruptedException e) {
      send(EventFrames.error(Problems.stopping()));
    } catch (RuntimeException e) {
      // compacted history it still had to read, a reset store, a lost database: the client must act
      LOG.log(Level.FINE, "WATCH ends: " + e, e);
      send(EventFrames.error(Problems.from(e)));
    } finally {
      close();
      onClose.accept(this);
    }
  }

  /**
   * Formats a batch's events into {@link #pending}, writing whenever that holds {@value
   * #WRITE_SIZE} bytes, and moves the bookmark past the batch; false once the client is gone. With
   * {@link #batchEnds}, a batch that moved the bookmark ends with a progress event at its revision
   * (never inside a batch: the cut at {@value #WRITE_SIZE} bytes may be).
   */
  private boolean add(EventBatch batch) {
    long before = position;
    for (KvEvent e : batch.events()) {
      // the bookmark also guards against a batch reaching back before the start
      if (e.revision() > position) {
        pending.writeBytes(frames.change(e, asStored));
        if (pending.size() >= WRITE_SIZE && !sendPending()) {
          return false;
        }
      }
      position = Math.max(position, e.revision());
    }
    position = Math.max(position, batch.revision());
    if (batchEnds && position > before) {
      pending.writeBytes(EventFrames.progress(position));
    }
    return true;
  }

  private boolean sendPending() {
    byte[] bytes = pending.toByteArray();
    pending.reset();
    return send(bytes);
  }

  /** Writes and flushes; false once the client is gone. */
  private boolean send(byte[] bytes) {
    if (out.isClosed()) {
      return false;
    }
    try {
      out.write(bytes);
      lastSentNanos = System.nanoTime();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void close() {
    try {
      out.close();
    } catch (IOException e) {
      LOG.log(Level.FINE, "WATCH close: " + e, e);
    }
  }
}
