package io.keywatch.faults;

import io.keywatch.testing.Keywatch;
import io.keywatch.testing.ServerSentEvents;
import jakarta.json.Json;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A {@code GET /watch} client as a browser's EventSource behaves: it starts at a revision, and
 * whenever the stream ends or breaks it reconnects with {@code Last-Event-ID} set to the last id it
 * got (a change or a progress event), after a short pause. It records every change event it got,
 * duplicates and disorder included, so a test can check them.
 */
final class ResumingWatch implements AutoCloseable {

  /** A change event as received: its id (the revision) and the key it is about. */
  record Change(long revision, String type, String key) {}

  private static final long RECONNECT_PAUSE_MS = 100;

  private final Keywatch admin;
  private final String query;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Thread thread;
  private volatile Stream<String> open; // the stream being read, closed by close()
  private volatile String lastEventId;
  final List<Change> changes = new CopyOnWriteArrayList<>();
  final List<String> refusals = new CopyOnWriteArrayList<>();
  final List<String> errorEvents = new CopyOnWriteArrayList<>();

  /** When each error event came, as {@link System#nanoTime}. */
  final List<Long> errorNanos = new CopyOnWriteArrayList<>();

  final AtomicInteger connections = new AtomicInteger();

  /** Starts watching {@code prefix} from revision {@code rev} (inclusive) at once. */
  ResumingWatch(Keywatch admin, String name, String prefix, long rev) {
    this.admin = admin;
    this.query = "prefix=" + prefix + "&rev=" + rev;
    this.thread = new Thread(this::run, "resuming-watch-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      while (stop.getCount() > 0) {
        readOnce();
        stop.await(RECONNECT_PAUSE_MS, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void readOnce() throws InterruptedException {
    HttpRequest.Builder request =
        admin.adminRequest("/watch?" + query).timeout(Duration.ofMinutes(10)).GET();
    String resumeAfter = lastEventId;
    if (resumeAfter != null) {
      request.header("Last-Event-ID", resumeAfter);
    }
    HttpResponse<Stream<String>> response;
    try {
      response = admin.http().send(request.build(), HttpResponse.BodyHandlers.ofLines());
    } catch (IOException e) {
      refusals.add("I/O: " + e);
      return;
    }
    if (response.statusCode() != 200) {
      refusals.add(response.statusCode() + " " + response.body().reduce("", String::concat));
      response.body().close();
      return;
    }
    connections.incrementAndGet();
    try (Stream<String> lines = response.body()) {
      open = lines;
      if (stop.getCount() == 0) {
        return;
      }
      ServerSentEvents.read(lines::iterator, this::onEvent);
    } catch (UncheckedIOException | IllegalStateException e) {
      // the connection broke (or we closed it): reconnect after the last id
    }
  }

  private void onEvent(String name, String id, String data) {
    switch (name) {
      case "put", "delete" -> {
        String key =
            Json.createReader(new StringReader(data))
                .readObject()
                .getJsonObject("kv")
                .getString("key");
        changes.add(new Change(Long.parseLong(id), name, key));
      }
      case "error" -> {
        errorEvents.add(data);
        errorNanos.add(System.nanoTime());
      }
      default -> {} // progress: only its id matters
    }
    if (id != null) {
      lastEventId = id; // as EventSource: the last id seen is the one to resume after
    }
  }

  /** The revision of the last change received, 0 before any. */
  long lastChange() {
    return changes.isEmpty() ? 0 : changes.get(changes.size() - 1).revision();
  }

  List<Long> revisions() {
    return changes.stream().map(Change::revision).toList();
  }

  /**
   * Breaks the connection being read, as a network fault would; the client reconnects with
   * Last-Event-ID.
   */
  void drop() {
    Stream<String> lines = open;
    if (lines != null) {
      lines.close();
    }
  }

  @Override
  public void close() {
    stop.countDown();
    Stream<String> lines = open;
    if (lines != null) {
      lines.close();
    }
    thread.interrupt();
  }

  @Override
  public String toString() {
    return thread.getName()
        + ": "
        + changes.size()
        + " changes over "
        + connections
        + " connections, "
        + refusals.size()
        + " refused attempts, "
        + errorEvents.size()
        + " error events";
  }
}
