package io.keywatch.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.testing.Keywatch;
import io.keywatch.testing.ServerSentEvents;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A client of {@code GET /watch}: reads the Server-Sent Events of one stream on a thread of its own
 * (JDK HttpClient, {@code BodyHandlers.ofLines()}, {@link ServerSentEvents}) and hands them out in
 * order.
 */
final class EventStream implements AutoCloseable {

  /** One event as the server sent it. */
  record Event(String name, String id, String data) {

    long revision() {
      return Long.parseLong(id);
    }

    JsonObject json() {
      return Json.createReader(new StringReader(data)).readObject();
    }

    boolean isChange() {
      return name.equals("put") || name.equals("delete");
    }
  }

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Event END = new Event("", "", "");

  private final Stream<String> lines;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private volatile boolean ended;

  private EventStream(Stream<String> lines) {
    this.lines = lines;
    Thread reader = new Thread(this::read, "sse-client");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Opens a stream, e.g. {@code open(kw, "prefix=/routes/&rev=5", null)}; fails unless it is 200.
   */
  static EventStream open(Keywatch keywatch, String query, String lastEventId) {
    HttpRequest.Builder request =
        keywatch.adminRequest("/watch?" + query).timeout(Duration.ofMinutes(10)).GET();
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<Stream<String>> response =
        keywatch.send(request.build(), HttpResponse.BodyHandlers.ofLines());
    assertThat(response.statusCode()).as("watch %s", query).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
    return new EventStream(response.body());
  }

  private void read() {
    try {
      ServerSentEvents.read(
          lines::iterator, (name, id, data) -> events.add(new Event(name, id, data)));
    } catch (UncheckedIOException | IllegalStateException e) {
      // closed by us, or the connection dropped: either way the stream has ended
    } finally {
      ended = true;
      events.add(END);
    }
  }

  /** The next event, waiting for it; fails if the stream ends or nothing comes in time. */
  Event next() throws InterruptedException {
    return next(System.nanoTime() + WAIT.toNanos());
  }

  private Event next(long deadline) throws InterruptedException {
    Event e = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    assertThat(e).as("an event in time").isNotNull();
    assertThat(e).as("the stream ended").isNotSameAs(END);
    return e;
  }

  /**
   * The next event of that name, skipping others (e.g. progress between changes), within the wait.
   */
  Event next(String name) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      Event e = next(deadline);
      if (e.name().equals(name)) {
        return e;
      }
    }
  }

  /**
   * The next {@code n} change events (put or delete), skipping progress events, within the wait.
   */
  List<Event> changes(int n) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    List<Event> changes = new ArrayList<>();
    while (changes.size() < n) {
      Event e = next(deadline);
      assertThat(e.name()).as("event %s", e).isIn("put", "delete", "progress");
      if (e.isChange()) {
        changes.add(e);
      }
    }
    return changes;
  }

  /** Events that arrived and were not taken yet, without waiting. */
  List<Event> pending() {
    List<Event> rest = new ArrayList<>();
    events.drainTo(rest);
    rest.remove(END);
    return rest;
  }

  /** Waits until the server has ended the stream. */
  boolean awaitEnd(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!ended && System.nanoTime() < deadline) {
      Event e = events.poll(100, TimeUnit.MILLISECONDS);
      if (e == END) {
        return true;
      }
    }
    return ended;
  }

  @Override
  public void close() {
    lines.close();
  }
}
