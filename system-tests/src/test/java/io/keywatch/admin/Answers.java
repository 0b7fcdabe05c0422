package io.keywatch.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.testing.Keywatch;
import jakarta.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * Checks shared by the admin API's tests: the revision every answer carries, and problem documents.
 */
final class Answers {

  private Answers() {}

  /** A JSON answer with that status whose header revision matches X-Keywatch-Revision; its body. */
  static JsonObject ok(HttpResponse<String> r, int status) {
    assertThat(r.statusCode())
        .as("status of %s: %s", r.request().uri(), r.body())
        .isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    JsonObject body = Keywatch.json(r);
    assertThat(r.headers().firstValue("X-Keywatch-Revision"))
        .as("revision header")
        .hasValue(
            Long.toString(body.getJsonObject("header").getJsonNumber("revision").longValue()));
    return body;
  }

  /** An RFC 9457 problem answer with that status; its body. */
  static JsonObject problem(HttpResponse<String> r, int status) {
    assertThat(r.statusCode())
        .as("status of %s %s: %s", r.request().method(), r.request().uri(), r.body())
        .isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type"))
        .as("content type of %s", r.body())
        .hasValue("application/problem+json");
    JsonObject p = Keywatch.json(r);
    assertThat(p.getString("type")).isNotBlank();
    assertThat(p.getString("title")).isNotBlank();
    assertThat(p.getInt("status")).isEqualTo(status);
    assertThat(p.getString("detail")).isNotBlank();
    return p;
  }

  /** Puts a plain-text value under a generic key, e.g. {@code putValue(kw, "/a/b", "1")}. */
  static HttpResponse<String> putValue(Keywatch kw, String key, String value) {
    return kw.send(
        kw.adminRequest("/kv" + key)
            .header("Content-Type", "text/plain")
            .PUT(HttpRequest.BodyPublishers.ofString(value)));
  }

  static long revision(JsonObject body) {
    return body.getJsonObject("header").getJsonNumber("revision").longValue();
  }
}
