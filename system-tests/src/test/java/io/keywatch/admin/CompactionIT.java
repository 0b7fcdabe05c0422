package io.keywatch.admin;

import static io.keywatch.admin.Answers.ok;
import static io.keywatch.admin.Answers.problem;
import static io.keywatch.admin.Answers.putValue;
import static io.keywatch.admin.Answers.revision;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.testing.Keywatch;
import io.keywatch.testing.KeywatchTest;
import jakarta.json.JsonObject;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /compaction}, and what it does to reads and watches: below the compacted revision
 * they are 410 Gone (etcd's ErrCompacted), at or above it they work, and the live value always
 * stays.
 */
@KeywatchTest
class CompactionIT {

  @Test
  void compactingToARevisionMakesOlderReadsAndWatches410(Keywatch kw) {
    String id = Keywatch.uniqueId("compact");
    String route = "{\"uri\": \"/c\", \"upstream\": \"http://u\"}";
    long r1 = revision(ok(kw.adminPut("/routes/" + id, route), 201));
    long r2 = revision(ok(kw.adminPut("/routes/" + id, route), 200));
    long r3 = revision(ok(kw.adminPut("/routes/" + id, route), 200));

    JsonObject answer = ok(kw.adminPost("/compaction", "{\"revision\": " + r3 + "}"), 200);
    assertThat(answer.getJsonNumber("compactRevision").longValue()).isGreaterThanOrEqualTo(r3);
    assertThat(answer.getJsonNumber("removed").longValue()).isGreaterThanOrEqualTo(2);

    JsonObject gone = problem(kw.adminGet("/routes/" + id + "?rev=" + r2), 410);
    assertThat(gone.getJsonNumber("compactRevision").longValue()).isGreaterThanOrEqualTo(r3);
    assertThat(gone.getJsonNumber("requestedRevision").longValue()).isEqualTo(r2);
    problem(kw.adminGet("/routes?rev=" + r1), 410);
    assertThat(
            ok(kw.adminGet("/routes/" + id + "?rev=" + r3), 200)
                .getJsonNumber("version")
                .intValue())
        .isEqualTo(3);
    assertThat(ok(kw.adminGet("/routes/" + id), 200).getJsonNumber("modRevision").longValue())
        .isEqualTo(r3);
    assertThat(ok(kw.adminGet("/routes/" + id + "/history"), 200).getJsonArray("history"))
        .hasSize(1);

    problem(kw.adminGet("/watch?prefix=/routes/&rev=" + r2), 410);
    problem(
        kw.send(kw.adminRequest("/watch").header("Last-Event-ID", Long.toString(r1)).GET()), 410);
  }

  @Test
  void aWatchMayStartExactlyAtTheCompactedRevision(Keywatch kw) throws InterruptedException {
    String key = "/" + Keywatch.uniqueId("edge");
    long r1 = revision(ok(putValue(kw, key, "1"), 201));
    long r2 = revision(ok(putValue(kw, key, "2"), 200));
    ok(kw.adminPost("/compaction", "{\"revision\": " + r2 + "}"), 200);
    problem(kw.adminGet("/watch?prefix=" + key + "&rev=" + r1), 410);
    try (EventStream s = EventStream.open(kw, "prefix=" + key + "&rev=" + r2, null)) {
      EventStream.Event e = s.changes(1).get(0);
      assertThat(e.revision()).isEqualTo(r2);
      assertThat(e.json().containsKey("prevKv"))
          .as("the previous row was compacted away")
          .isFalse();
    }
  }

  @Test
  void compactingBelowTheCompactedRevisionChangesNothing(Keywatch kw) {
    long head = revision(ok(putValue(kw, "/" + Keywatch.uniqueId("below"), "x"), 201));
    long compacted =
        ok(kw.adminPost("/compaction", "{\"revision\": " + head + "}"), 200)
            .getJsonNumber("compactRevision")
            .longValue();
    JsonObject again = ok(kw.adminPost("/compaction", "{\"revision\": 1}"), 200);
    assertThat(again.getJsonNumber("compactRevision").longValue()).isEqualTo(compacted);
    assertThat(again.getJsonNumber("removed").longValue()).isZero();
  }

  @Test
  void compactingByAgeRemovesWhatWasSupersededBeforeThen(Keywatch kw) {
    String key = "/" + Keywatch.uniqueId("age");
    ok(putValue(kw, key, "1"), 201);
    long r2 = revision(ok(putValue(kw, key, "2"), 200));
    // anything superseded more than a millisecond ago: the first put, by the time this request is
    // read
    Keywatch.eventually()
        .until(
            () ->
                ok(kw.adminPost("/compaction", "{\"olderThan\": \"PT0.001S\"}"), 200)
                        .getJsonNumber("compactRevision")
                        .longValue()
                    >= r2);
    assertThat(ok(kw.adminGet("/kv" + key + "?history=true"), 200).getJsonArray("history"))
        .hasSize(1);
    assertThat(ok(kw.adminGet("/kv" + key), 200).getJsonNumber("modRevision").longValue())
        .isEqualTo(r2);
  }

  @Test
  void compactionAnswersTheStoreRevision(Keywatch kw) {
    var r =
        kw.send(
            kw.adminRequest("/compaction")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"olderThan\": \"P7D\"}")));
    assertThat(revision(ok(r, 200))).isEqualTo(kw.system().storeRevision());
  }
}
