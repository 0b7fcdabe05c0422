package io.keywatch.admin.auth;

import static io.keywatch.config.JsonSupport.JSON;

import io.keywatch.admin.config.AdminSettings;
import io.keywatch.admin.kv.Bodies;
import io.keywatch.admin.kv.KeyRules;
import io.keywatch.admin.problems.Problems;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code POST /watch/tokens} with {@code {"prefix": "/routes/", "ttl": "PT5M"}} (ttl optional:
 * {@code keywatch.watch.token-ttl}) answers {@code {"token", "prefix", "expiresAt"}}: what a page
 * passes as {@code GET /watch?prefix=/routes/&token=...}. Needs the API key, as every call but that
 * watch.
 */
@Path("watch/tokens")
@ApplicationScoped
@Tag(name = "watch", description = "Changes as Server-Sent Events (etcd's Watch)")
public class WatchTokenResource {

  private static final long MAX_BODY = 4096;

  @Inject AdminSettings settings;

  @POST
  @Consumes({MediaType.APPLICATION_JSON, Bodies.CURL_DEFAULT_TYPE})
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Issue a watch token",
      description =
          "{\"prefix\": \"/routes/\", \"ttl\": \"PT5M\"}: a token that GET /watch accepts as ?token= instead of"
              + " X-API-KEY (for a browser's EventSource), for streams under that prefix opened before it expires")
  @APIResponse(responseCode = "200", description = "the token")
  @APIResponse(responseCode = "400", description = "bad body, prefix or ttl")
  public Response issue(InputStream body) {
    JsonObject o = Bodies.object(Bodies.read(body, MAX_BODY));
    if (!Set.of("prefix", "ttl").containsAll(o.keySet())) {
      throw Problems.invalidRequest(
              "the body may hold only \"prefix\" and \"ttl\", found " + o.keySet())
          .exception();
    }
    if (!(o.get("prefix") instanceof JsonString prefix)) {
      throw Problems.invalidRequest(
              "prefix must be a string such as \"/routes/\", not " + o.get("prefix"))
          .exception();
    }
    String key = settings.apiKey().orElseThrow(); // ApiKeyFilter let this call in, so there is one
    WatchTokens.Issued issued =
        new WatchTokens(key, Clock.systemUTC())
            .issue(KeyRules.requirePrefix(prefix.getString()), ttl(o.get("ttl")));
    JsonObject answer =
        JSON.createObjectBuilder()
            .add("token", issued.token())
            .add("prefix", issued.prefix())
            .add("expiresAt", issued.expiresAt().toString())
            .build();
    return Response.ok(answer.toString(), MediaType.APPLICATION_JSON_TYPE).build();
  }

  private Duration ttl(JsonValue v) {
    if (v == null) {
      return settings.watchTokenTtl();
    }
    Duration max = settings.watchTokenMaxTtl();
    if (v instanceof JsonString s) {
      try {
        Duration ttl = Duration.parse(s.getString());
        if (!ttl.isNegative() && !ttl.isZero() && ttl.compareTo(max) <= 0) {
          return ttl;
        }
      } catch (DateTimeParseException e) {
        // reported below, with what a valid value looks like
      }
    }
    throw Problems.invalidRequest(
            "ttl must be a positive ISO-8601 duration such as \"PT5M\", at most "
                + max
                + " (keywatch.watch.token-max-ttl), not "
                + v)
        .exception();
  }
}
