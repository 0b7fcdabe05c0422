package io.keywatch.admin;

import static io.keywatch.admin.Answers.problem;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.testing.Keywatch;
import io.keywatch.testing.KeywatchTest;
import jakarta.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Watch tokens (what a browser's EventSource sends instead of X-API-KEY): issued by the keyed
 * {@code POST /watch/tokens}, accepted as {@code ?token=} on {@code GET /watch} only, for their
 * prefix only, until they expire.
 */
@KeywatchTest
class WatchTokenIT {

  @Test
  void aTokenOpensAWatchUnderItsPrefixWithoutTheKey(Keywatch kw) {
    String prefix = "/" + Keywatch.uniqueId("tok") + "/";
    JsonObject issued = issue(kw, "{\"prefix\": \"" + prefix + "\", \"ttl\": \"PT5M\"}");
    assertThat(issued.getString("prefix")).isEqualTo(prefix);
    assertThat(Instant.parse(issued.getString("expiresAt")))
        .isBetween(
            Instant.now().plus(Duration.ofMinutes(4)), Instant.now().plus(Duration.ofMinutes(6)));
    assertThat(firstEvent(kw, "/watch?prefix=" + prefix + "&token=" + issued.getString("token")))
        .contains("event: progress");
    assertThat(
            firstEvent(kw, "/watch?prefix=" + prefix + "sub/&token=" + issued.getString("token")))
        .as("a narrower prefix is within the token's")
        .contains("event: progress");
  }

  @Test
  void aTokenWithoutTtlLastsTheDefaultFiveMinutes(Keywatch kw) {
    JsonObject issued = issue(kw, "{\"prefix\": \"/routes/\"}");
    assertThat(Instant.parse(issued.getString("expiresAt")))
        .isBetween(
            Instant.now().plus(Duration.ofMinutes(4)), Instant.now().plus(Duration.ofMinutes(6)));
  }

  @ParameterizedTest(name = "prefix={0}")
  @ValueSource(strings = {"/", "/kv/", "/route", "/routesX/"})
  void aWatchOfAnotherPrefixIs403(String other, Keywatch kw) {
    String token = issue(kw, "{\"prefix\": \"/routes/\"}").getString("token");
    JsonObject p = problem(get(kw, "/watch?prefix=" + other + "&token=" + token), 403);
    assertThat(p.getString("detail")).contains("/routes/", other);
    assertThat(get(kw, "/watch?token=" + token).statusCode())
        .as("no prefix watches /")
        .isEqualTo(403);
  }

  @Test
  void anExpiredTokenIs401(Keywatch kw) {
    JsonObject issued = issue(kw, "{\"prefix\": \"/routes/\", \"ttl\": \"PT1S\"}");
    Instant expiresAt = Instant.parse(issued.getString("expiresAt"));
    Keywatch.eventually()
        .until(() -> Instant.now().isAfter(expiresAt)); // a stream opened before would never end
    JsonObject p =
        problem(get(kw, "/watch?prefix=/routes/&token=" + issued.getString("token")), 401);
    assertThat(p.getString("detail")).contains("expired");
    assertThat(p.getString("expiresAt")).isEqualTo(issued.getString("expiresAt"));
  }

  @Test
  void aForgedOrAlteredTokenIs401(Keywatch kw) {
    String token = issue(kw, "{\"prefix\": \"/routes/\"}").getString("token");
    String[] parts = token.split("\\.");
    String wider =
        parts[0]
            + "."
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("/".getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];
    String later = (Long.parseLong(parts[0]) + 3600) + "." + parts[1] + "." + parts[2];
    for (String bad : List.of(wider, later, token + "0", "x", "a.b.c", "")) {
      assertThat(
              problem(
                      get(
                          kw,
                          "/watch?prefix=/&token="
                              + URLEncoder.encode(bad, StandardCharsets.UTF_8)),
                      401)
                  .getString("detail"))
          .as(bad)
          .contains("token");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "GET /routes",
        "GET /kv/routes/",
        "POST /watch/tokens",
        "POST /watch",
        "DELETE /watch"
      })
  void aTokenCountsForNothingButGetWatch(String call, Keywatch kw) {
    String token = issue(kw, "{\"prefix\": \"/\"}").getString("token");
    String[] parts = call.split(" ");
    HttpRequest.Builder request =
        HttpRequest.newBuilder(kw.adminUri().resolve(parts[1] + "?prefix=/&token=" + token))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .method(
                parts[0],
                parts[0].equals("POST")
                    ? HttpRequest.BodyPublishers.ofString("{\"prefix\": \"/\"}")
                    : HttpRequest.BodyPublishers.noBody());
    assertThat(problem(kw.send(request), 401).getString("detail")).contains("X-API-KEY");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "{}",
        "{\"prefix\": 5}",
        "{\"prefix\": \"routes\"}",
        "{\"prefix\": \"/routes/\", \"ttl\": \"PT2H\"}",
        "{\"prefix\": \"/routes/\", \"ttl\": \"PT0S\"}",
        "{\"prefix\": \"/routes/\", \"ttl\": \"5m\"}",
        "{\"prefix\": \"/\", \"scope\": \"all\"}",
        "[]",
        "{"
      })
  void aBadTokenRequestIs400(String body, Keywatch kw) {
    problem(kw.adminPost("/watch/tokens", body), 400);
  }

  @Test
  void issuingATokenNeedsTheKey(Keywatch kw) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(kw.adminUri().resolve("/watch/tokens"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"prefix\": \"/\"}"));
    problem(kw.send(request), 401);
  }

  private static JsonObject issue(Keywatch kw, String body) {
    HttpResponse<String> r = kw.adminPost("/watch/tokens", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Keywatch.json(r);
  }

  private static HttpResponse<String> get(Keywatch kw, String path) {
    return kw.send(
        HttpRequest.newBuilder(kw.adminUri().resolve(path)).timeout(Duration.ofSeconds(30)).GET());
  }

  /**
   * The lines of a stream's first event, read without the API key; fails unless the stream opens.
   */
  private static String firstEvent(Keywatch kw, String path) {
    HttpResponse<Stream<String>> r =
        kw.send(
            HttpRequest.newBuilder(kw.adminUri().resolve(path))
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    try (Stream<String> lines = r.body()) {
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      StringBuilder event = new StringBuilder();
      for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
        String line = it.next();
        if (line.isEmpty()) {
          break;
        }
        event.append(line).append('\n');
      }
      return event.toString();
    }
  }
}
