package io.keywatch.admin.compaction;

import io.keywatch.admin.kv.Bodies;
import io.keywatch.admin.kv.KeyValueJson;
import io.keywatch.admin.problems.Problems;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Set;
import org.eclipse.microprofile.metrics.annotation.Timed;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code POST /compaction} with {@code {"revision": N}} or {@code {"olderThan": "P7D"}}; answers
 * {@code {"header":..., "compactRevision": C, "removed": n}} ({@code removed} for a revision only).
 */
@Path("compaction")
@ApplicationScoped
@Tag(name = "compaction", description = "Remove superseded history, as etcd's Compact does")
public class CompactionResource {

  /** A request body is a few bytes; anything bigger is not a compaction request. */
  private static final long MAX_BODY = 4096;

  @Inject Compactions compactions;

  @POST
  @Consumes({MediaType.APPLICATION_JSON, Bodies.CURL_DEFAULT_TYPE})
  @Produces(MediaType.APPLICATION_JSON)
  @Timed(name = "keywatch.admin.compaction", absolute = true, description = "POST /compaction")
  @Operation(
      summary = "Compact history",
      description =
          "{\"revision\": N} compacts to N (reads below N are then 410); {\"olderThan\": \"P7D\"} compacts what was"
              + " superseded more than that ISO-8601 duration ago")
  @APIResponse(responseCode = "200", description = "compacted")
  @APIResponse(responseCode = "400", description = "bad body, or a revision above the current one")
  public Response compact(InputStream body) {
    JsonObject o = Bodies.object(Bodies.read(body, MAX_BODY));
    if (o.size() != 1 || !Set.of("revision", "olderThan").containsAll(o.keySet())) {
      throw Problems.invalidRequest(
              "the body must hold exactly one of \"revision\" (a whole number) or \"olderThan\""
                  + " (an ISO-8601 duration such as \"P7D\"), found "
                  + o.keySet())
          .exception();
    }
    Compactions.Outcome outcome =
        o.containsKey("revision")
            ? compactions.toRevision(revision(o))
            : compactions.olderThan(age(o));
    JsonObjectBuilder answer =
        KeyValueJson.envelope(outcome.after().current())
            .add("compactRevision", outcome.after().compacted());
    if (outcome.removed() >= 0) {
      answer.add("removed", outcome.removed());
    }
    return KeyValueJson.answer(200, answer.build(), outcome.after().current()).build();
  }

  private static long revision(JsonObject o) {
    return Bodies.wholeNumber(o.get("revision"), 1)
        .orElseThrow(
            () ->
                Problems.invalidRequest(
                        "revision must be a whole number of at least 1, not " + o.get("revision"))
                    .exception());
  }

  private static Duration age(JsonObject o) {
    if (o.get("olderThan") instanceof JsonString s) {
      try {
        Duration age = Duration.parse(s.getString());
        if (!age.isNegative() && !age.isZero()) {
          return age;
        }
      } catch (DateTimeParseException e) {
        // reported below, with what a valid value looks like
      }
    }
    throw Problems.invalidRequest(
            "olderThan must be a positive ISO-8601 duration such as \"P7D\" or \"PT12H\", not "
                + o.get("olderThan"))
        .exception();
  }
}
