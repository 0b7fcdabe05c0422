package io.keywatch.admin.watch;

import io.keywatch.admin.problems.Problem;
import io.keywatch.admin.problems.Problems;
import io.keywatch.kv.KvEvent;
import io.keywatch.watch.EventBatch;
import io.keywatch.watch.Watch;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One client's stream, on its own thread: it answers the suspended request and, inside the writing
 * of the answer's body, pulls batches from its {@link Watch} and writes them as events, until the
 * client goes away (a write fails) or the server ends it with an {@code error} event. The events of
 * a batch, and of the batches queued behind it, go out in one write and one flush of up to about
 * {@value #WRITE_SIZE} bytes: a stream that fell behind catches up in few writes instead of
 * overflowing its queue (and re-reading history from the table).
 *
 * <p>A live batch does not wait for the stream's thread: while the stream has written everything
 * its watch handed out, the feed's thread writes the batch itself ({@link #take}), if the socket
 * takes it without blocking (the server's output buffer reports {@code isReady}) and it is small.
 * That spares a thread hand-off per batch and stream: a wake-up, and on a busy machine a wait for a
 * core, which made most of the watch latency's tail. Anything else (history, a batch the feed's
 * thread left, progress, the end) goes through the stream's thread. Both write under {@link
 * #output}, and the feed's thread only tries it, so it never waits for a slow client.
 *
 * <p>{@link #position} is the stream's bookmark: every change under the prefix up to it was sent.
 * Each change event and each progress event carries it as {@code id}, so {@code Last-Event-ID}
 * resumes exactly after it. A quiet client gets a progress event at least every {@code
 * progressInterval}; that keeps its bookmark near the store revision (so it can resume even after
 * compaction of older history) and finds out soon when the client is gone.
 */
final class WatchStream implements Runnable, Watch.DirectConsumer {

  private static final Logger LOG = Logger.getLogger(WatchStream.class.getName());
  private static final int WRITE_SIZE = 64 * 1024;

  /** The most the feed's thread writes at once: a few events; a larger batch is a catch-up. */
  private static final int DIRECT_SIZE = 16 * 1024;

  /** The suspended watch request, the head of its answer, and the server's response under it. */
  record Client(AsyncResponse async, Response.ResponseBuilder head, HttpServletResponse servlet) {}

  private final Watch watch;
  private final boolean batchEnds;
  private final boolean asStored;
  private final Client client;
  private final EventFrames frames;
  private final long progressNanos;
  private final Consumer<WatchStream> onClose;

  /** Held by whoever writes to the client: the stream's thread, or the feed's for a live batch. */
  private final ReentrantLock output = new ReentrantLock();

  /** These under {@link #output}. */
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

  private ServletOutputStream body;
  private long position;

  private volatile long lastSentNanos;

  /** Whether the feed's thread may write: the response is open and no end is near. */
  private volatile boolean live;

  private volatile Thread thread;
  private volatile boolean stopping;

  WatchStream(
      Watch watch,
      long after,
      boolean batchEnds,
      boolean asStored,
      Client client,
      EventFrames frames,
      Duration progressInterval,
      Consumer<WatchStream> onClose) {
    this.watch = watch;
    this.batchEnds = batchEnds;
    this.asStored = asStored;
    this.position = after;
    this.client = client;
    this.frames = frames;
    this.progressNanos = progressInterval.toNanos();
    this.onClose = onClose;
    watch.deliverDirectly(this);
  }

  void start(Thread t) {
    thread = t;
    t.start();
  }

  /** Ends the stream soon, telling the client why; called when the server stops. */
  void stop() {
    stopping = true;
    live = false;
    Thread t = thread;
    if (t != null) {
      t.interrupt();
    }
  }

  @Override
  public void run() {
    try (watch) {
      // the body runs on this thread, inside the resume (see WatchBodyWriter): the stream ends
      // when it returns
      client.async().resume(client.head().entity(this).build());
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "WATCH ends: " + e, e);
    } finally {
      onClose.accept(this);
    }
  }

  /**
   * Streams the events, with the answer's head as Jersey made it (its filters' headers included).
   * The head and the events go to the server's response directly, not through Jersey's entity
   * stream: that one keeps the first 8 KiB for a Content-Length and ignores a flush meanwhile. Once
   * the server's response is committed, Jersey's own writing of the head at the end changes
   * nothing.
   */
  void stream(MultivaluedMap<String, Object> head) throws IOException {
    HttpServletResponse servlet = client.servlet();
    head.forEach(
        (name, values) ->
            values.forEach(
                value -> {
                  if (HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name)) {
                    servlet.setContentType(String.valueOf(value));
                  } else {
                    servlet.addHeader(name, String.valueOf(value));
                  }
                }));
    output.lock();
    try {
      body = servlet.getOutputStream();
      // the first event goes out at once: it opens the response and tells where the stream starts
      if (!send(frames.progress(position))) {
        close();
        return;
      }
    } finally {
      output.unlock();
    }
    try {
      live = true;
      follow();
      end(Problems.stopping());
    } catch (InterruptedException e) {
      end(Problems.stopping());
    } catch (RuntimeException e) {
      // compacted history it still had to read, a reset store, a lost database: the client must act
      LOG.log(Level.FINE, "WATCH ends: " + e, e);
      end(Problems.from(e));
    } finally {
      live = false;
      close();
    }
  }

  /**
   * Ends the response here, so that Jersey, which writes the rest of its (empty) entity after the
   * body returns, finds it closed instead of failing on a gone client's connection.
   */
  private void close() {
    output.lock();
    try {
      body.close();
    } catch (IOException e) {
      LOG.log(Level.FINE, "WATCH close: " + e, e);
    } finally {
      output.unlock();
    }
  }

  /** Returns when the server stops, or as soon as the client is gone. */
  private void follow() throws InterruptedException {
    while (!stopping) {
      long quiet = System.nanoTime() - lastSentNanos;
      EventBatch batch = watch.poll(Duration.ofNanos(Math.max(1_000_000, progressNanos - quiet)));
      output.lock();
      try {
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
            && !send(frames.progress(position))) {
          return;
        }
      } finally {
        output.unlock();
      }
    }
  }

  private void end(Problem why) {
    live = false;
    output.lock();
    try {
      send(EventFrames.error(why));
    } finally {
      output.unlock();
    }
  }

  /**
   * On the feed's thread (see {@link Watch.DirectConsumer}): writes a live batch at once if nothing
   * the watch handed out is still unwritten, the batch is small and the socket has room; else
   * leaves it to the queue and the stream's thread. Never waits: not for {@link #output}, not for
   * the socket.
   */
  @Override
  public boolean take(EventBatch batch) {
    if (!live || !output.tryLock()) {
      return false;
    }
    try {
      if (!live || position != batch.after() || pending.size() > 0) {
        return false;
      }
      if (batch.events().isEmpty()) {
        // nothing under the prefix: the bookmark moves, as a queued batch would move it
        position = batch.revision();
        return true;
      }
      byte[] bytes = frames.batch(batch, asStored, batchEnds, DIRECT_SIZE);
      // one write: isReady promises that the next write does not block, not the one after it
      if (bytes == null || !body.isReady()) {
        return false;
      }
      if (!send(bytes)) {
        live = false; // the client is gone: the stream's thread finds out at its next write
        return false;
      }
      position = batch.revision();
      return true;
    } catch (RuntimeException e) {
      // the response is gone: as above; nothing may reach the feed, which offers the batch to the
      // other watches after this one
      live = false;
      return false;
    } finally {
      output.unlock();
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
      pending.writeBytes(frames.progress(position));
    }
    return true;
  }

  private boolean sendPending() {
    byte[] bytes = pending.toByteArray();
    pending.reset();
    return send(bytes);
  }

  /** Writes and flushes, under {@link #output}; false once the client is gone. */
  private boolean send(byte[] bytes) {
    try {
      body.write(bytes);
      body.flush();
      lastSentNanos = System.nanoTime();
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
