package io.keywatch.admin;

import static io.keywatch.admin.Answers.ok;
import static io.keywatch.admin.Answers.putValue;
import static io.keywatch.admin.Answers.revision;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.testing.Keywatch;
import io.keywatch.testing.KeywatchTest;
import jakarta.json.JsonObject;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code GET /watch}: Server-Sent Events over real HTTP, read with the JDK client. */
@KeywatchTest
class WatchIT {

  @Test
  void eachChangeIsOneEventWithItsRevisionAsIdAndThePreviousValue(Keywatch kw)
      throws InterruptedException {
    String dir = "/" + Keywatch.uniqueId("w") + "/";
    try (EventStream s = EventStream.open(kw, "prefix=" + dir, null)) {
      EventStream.Event first = s.next();
      assertThat(first.name()).as("a stream opens with a progress event").isEqualTo("progress");
      assertThat(first.json().getJsonNumber("revision").longValue()).isEqualTo(first.revision());

      long r1 = revision(ok(putValue(kw, dir + "a", "1"), 201));
      ok(putValue(kw, "/elsewhere-" + Keywatch.uniqueId("x"), "not watched"), 201);
      long r2 = revision(ok(putValue(kw, dir + "a", "2"), 200));
      long r3 = revision(ok(kw.adminDelete("/kv" + dir + "a"), 200));

      List<EventStream.Event> changes = s.changes(3);
      assertThat(changes).extracting(EventStream.Event::revision).containsExactly(r1, r2, r3);
      assertThat(changes)
          .extracting(EventStream.Event::name)
          .containsExactly("put", "put", "delete");
      JsonObject put2 = changes.get(1).json();
      assertThat(put2.getString("type")).isEqualTo("PUT");
      assertThat(put2.getJsonObject("kv").getString("value")).isEqualTo(b64("2"));
      assertThat(put2.getJsonObject("prevKv").getString("value")).isEqualTo(b64("1"));
      assertThat(changes.get(0).json().containsKey("prevKv")).isFalse();
      JsonObject delete = changes.get(2).json();
      assertThat(delete.getJsonObject("kv").getBoolean("deleted")).isTrue();
      assertThat(delete.getJsonObject("prevKv").getJsonNumber("modRevision").longValue())
          .isEqualTo(r2);
    }
  }

  @Test
  void revStartsAtThatRevisionInclusive(Keywatch kw) throws InterruptedException {
    String dir = "/" + Keywatch.uniqueId("rev") + "/";
    revision(ok(putValue(kw, dir + "1", "x"), 201));
    long r2 = revision(ok(putValue(kw, dir + "2", "x"), 201));
    long r3 = revision(ok(putValue(kw, dir + "3", "x"), 201));
    try (EventStream s = EventStream.open(kw, "prefix=" + dir + "&rev=" + r2, null)) {
      assertThat(s.changes(2)).extracting(EventStream.Event::revision).containsExactly(r2, r3);
    }
  }

  @Test
  void resumingRightAfterAWriteNeverRepeatsIt(Keywatch kw) throws InterruptedException {
    // the admin server's feed may not have delivered a write yet when its writer already resumes
    // after it
    String dir = "/" + Keywatch.uniqueId("fresh") + "/";
    for (int i = 0; i < 10; i++) {
      long written = revision(ok(putValue(kw, dir + "k", "v" + i), i == 0 ? 201 : 200));
      try (EventStream s = EventStream.open(kw, "prefix=" + dir, Long.toString(written))) {
        long next = revision(ok(putValue(kw, dir + "k", "next" + i), 200));
        assertThat(s.changes(1).get(0).revision()).as("round %d", i).isEqualTo(next);
      }
    }
  }

  @Test
  void aReconnectWithLastEventIdResumesWithNoGapAndNoDuplicate(Keywatch kw) throws Exception {
    String dir = "/" + Keywatch.uniqueId("resume") + "/";
    int total = 60;
    List<Long> written = new CopyOnWriteArrayList<>();
    List<Long> received = new ArrayList<>();
    String lastId;
    try (EventStream s = EventStream.open(kw, "prefix=" + dir, null)) {
      s.next("progress");
      // the writer keeps writing while the client drops and reconnects
      CompletableFuture<Void> writer =
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < total; i++) {
                  written.add(
                      revision(ok(putValue(kw, dir + (i % 7), "v" + i), i < 7 ? 201 : 200)));
                }
              });
      for (EventStream.Event e : s.changes(20)) {
        received.add(e.revision());
      }
      lastId = Long.toString(received.get(received.size() - 1));
      s.close();
      try (EventStream again = EventStream.open(kw, "prefix=" + dir, lastId)) {
        for (EventStream.Event e : again.changes(total - received.size())) {
          received.add(e.revision());
        }
        writer.get(60, TimeUnit.SECONDS);
        assertThat(received)
            .as("every write exactly once, in order")
            .containsExactlyElementsOf(written);
        assertThat(again.pending()).noneMatch(EventStream.Event::isChange);
      }
    }
  }

  @Test
  void aQuietStreamGetsProgressEventsItCanResumeFrom(Keywatch kw) throws InterruptedException {
    String dir = "/" + Keywatch.uniqueId("quiet") + "/";
    try (EventStream s = EventStream.open(kw, "prefix=" + dir, null)) {
      long opened = s.next("progress").revision();
      long elsewhere = revision(ok(putValue(kw, "/" + Keywatch.uniqueId("noise"), "x"), 201));
      assertThat(elsewhere).isGreaterThan(opened);
      EventStream.Event bookmark;
      do {
        bookmark = s.next("progress");
      } while (bookmark.revision() < elsewhere);
      s.close();
      long mine = revision(ok(putValue(kw, dir + "k", "x"), 201));
      try (EventStream again = EventStream.open(kw, "prefix=" + dir, bookmark.id())) {
        assertThat(again.changes(1).get(0).revision()).isEqualTo(mine);
      }
    }
  }

  @Test
  void manyClientsEachGetEveryEventInOrder(Keywatch kw) throws Exception {
    String dir = "/" + Keywatch.uniqueId("many") + "/";
    int clients = 40;
    int writes = 10;
    List<EventStream> streams = new ArrayList<>();
    ExecutorService readers = Executors.newFixedThreadPool(clients);
    try {
      for (int i = 0; i < clients; i++) {
        EventStream s = EventStream.open(kw, "prefix=" + dir, null);
        streams.add(s);
        s.next("progress");
      }
      List<Long> written = new ArrayList<>();
      for (int i = 0; i < writes; i++) {
        written.add(revision(ok(putValue(kw, dir + i, "x"), 201)));
      }
      List<Future<List<Long>>> seen = new ArrayList<>();
      for (EventStream s : streams) {
        seen.add(
            readers.submit(
                () -> s.changes(writes).stream().map(EventStream.Event::revision).toList()));
      }
      for (Future<List<Long>> f : seen) {
        assertThat(f.get(60, TimeUnit.SECONDS)).containsExactlyElementsOf(written);
      }
    } finally {
      readers.shutdownNow();
      streams.forEach(EventStream::close);
    }
  }

  @Test
  void aClientThatStopsReadingDoesNotHoldBackTheOthers(Keywatch kw) throws Exception {
    String dir = "/" + Keywatch.uniqueId("slow") + "/";
    HttpResponse<InputStream> stalled =
        kw.send(
            kw.adminRequest("/watch?prefix=" + dir).timeout(Duration.ofMinutes(5)).GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stalled.statusCode()).isEqualTo(200);
    try (InputStream ignored = stalled.body();
        EventStream reader = EventStream.open(kw, "prefix=" + dir, null)) {
      reader.next("progress");
      // 40 values of 256 KiB (about 14 MB of events in base64): far more than the socket buffers of
      // the stalled client hold
      String value = "v".repeat(256 * 1024);
      List<Long> written = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        written.add(revision(ok(putValue(kw, dir + i, value), 201)));
      }
      assertThat(reader.changes(written.size()))
          .extracting(EventStream.Event::revision)
          .containsExactlyElementsOf(written);
    }
  }

  @Test
  void aStreamIsClosedOnTheServerWhenItsClientGoesAway(Keywatch kw) throws InterruptedException {
    int before = openWatches(kw);
    List<EventStream> streams = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      EventStream s = EventStream.open(kw, "prefix=/" + Keywatch.uniqueId("gone") + "/", null);
      s.next("progress");
      streams.add(s);
    }
    assertThat(openWatches(kw)).isGreaterThanOrEqualTo(before + 5);
    streams.forEach(EventStream::close);
    // the server finds out at its next write, the progress event of a quiet stream
    Keywatch.eventually().until(() -> openWatches(kw) <= before);
  }

  /**
   * The hub's watch count, from the admin server's readiness check (Payara may render the number as
   * a string).
   */
  private static int openWatches(Keywatch kw) {
    var r =
        kw.send(java.net.http.HttpRequest.newBuilder(kw.adminUri().resolve("/health/ready")).GET());
    return Keywatch.json(r).getJsonArray("checks").getValuesAs(JsonObject.class).stream()
        .filter(c -> c.getString("name").equals("keywatch-watch"))
        .findFirst()
        .orElseThrow()
        .getJsonObject("data")
        .get("watches")
        .toString()
        .replace("\"", "")
        .transform(Integer::parseInt);
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes());
  }
}
