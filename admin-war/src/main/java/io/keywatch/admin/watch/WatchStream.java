package io.keywatch.admin.watch;

import static io.keywatch.config.JsonSupport.JSON;

import io.keywatch.admin.kv.KeyValueJson;
import io.keywatch.admin.problems.Problem;
import io.keywatch.admin.problems.Problems;
import io.keywatch.kv.KvEvent;
import io.keywatch.watch.EventBatch;
import io.keywatch.watch.Watch;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

/**
 * One client's stream: pulls batches from its {@link Watch} and writes them as events, on its own
 * thread, until the client goes away (a write fails) or the server ends it with an {@code error}
 * event.
 *
 * <p>{@link #position} is the stream's bookmark: every change under the prefix up to it was sent.
 * Each change event and each progress event carries it as {@code id}, so {@code Last-Event-ID}
 * resumes exactly after it. A quiet client gets a progress event at least every {@code
 * progressInterval}; that keeps its bookmark near the store revision (so it can resume even after
 * compaction of older history) and finds out soon when the client is gone.
 */
final class WatchStream implements Runnable {

  private static final Logger LOG = Logger.getLogger(WatchStream.class.getName());

  private final Watch watch;
  private final SseEventSink sink;
  private final Sse sse;
  private final long progressNanos;
  private final Consumer<WatchStream> onClose;

  /** Only the stream's thread touches these two. */
  private long position;
  private long lastSentNanos;

  private volatile Thread thread;
  private volatile boolean stopping;

  WatchStream(Watch watch, long after, SseEventSink sink, Sse sse, Duration progressInterval, Consumer<WatchStream> onClose) {
    this.watch = watch;
    this.position = after;
    this.sink = sink;
    this.sse = sse;
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
      if (!progress()) {
        return;
      }
      while (!stopping) {
        long quiet = System.nanoTime() - lastSentNanos;
        EventBatch batch = watch.poll(Duration.ofNanos(Math.max(1_000_000, progressNanos - quiet)));
        for (KvEvent e : batch.events()) {
          // the bookmark also guards against a batch reaching back before the start
          if (e.revision() > position && !send(change(e))) {
            return;
          }
          position = Math.max(position, e.revision());
        }
        position = Math.max(position, batch.revision());
        if (System.nanoTime() - lastSentNanos >= progressNanos && !progress()) {
          return;
        }
      }
      send(error(Problems.stopping()));
    } catch (InterruptedException e) {
      send(error(Problems.stopping()));
    } catch (RuntimeException e) {
      // compacted history it still had to read, a reset store, a lost database: the client must act
      LOG.log(Level.FINE, "WATCH ends: " + e, e);
      send(error(Problems.from(e)));
    } finally {
      sink.close();
      onClose.accept(this);
    }
  }

  private OutboundSseEvent change(KvEvent e) {
    JsonObjectBuilder data = JSON.createObjectBuilder().add("type", e.type().name()).add("kv", KeyValueJson.kv(e.kv()));
    KeyValueJson.withPrev(data, e.prevKv());
    return event(e.type().name().toLowerCase(), e.revision(), data.build().toString());
  }

  private boolean progress() {
    return send(event("progress", position, JSON.createObjectBuilder().add("revision", position).build().toString()));
  }

  private OutboundSseEvent error(Problem p) {
    return sse.newEventBuilder().name("error").mediaType(MediaType.APPLICATION_JSON_TYPE).data(String.class, p.toJson().toString()).build();
  }

  private OutboundSseEvent event(String name, long id, String json) {
    return sse.newEventBuilder().name(name).id(Long.toString(id)).mediaType(MediaType.APPLICATION_JSON_TYPE).data(String.class, json).build();
  }

  /** Writes one event; false once the client is gone. */
  private boolean send(OutboundSseEvent event) {
    if (sink.isClosed()) {
      return false;
    }
    try {
      boolean sent = !sink.send(event).toCompletableFuture().isCompletedExceptionally();
      lastSentNanos = System.nanoTime();
      return sent;
    } catch (IllegalStateException e) {
      return false;
    }
  }
}
