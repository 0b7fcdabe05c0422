package io.keywatch.admin;

import static io.keywatch.admin.Answers.problem;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.launcher.ServerRole;
import io.keywatch.testing.Keywatch;
import io.keywatch.testing.KeywatchTest;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every admin call needs the configured X-API-KEY; Payara's own endpoints stay open. */
@KeywatchTest
class AuthIT {

  static Stream<String> adminCalls() {
    return Stream.of(
        "GET /routes",
        "GET /routes/any",
        "PUT /routes/any",
        "DELETE /routes/any",
        "GET /kv/a",
        "PUT /kv/a",
        "POST /txn",
        "POST /compaction",
        "GET /watch",
        "GET /no-such-path");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("adminCalls")
  void withoutTheKeyEveryCallIs401AndWritesNothing(String call, Keywatch kw) {
    long before = kw.system().storeRevision();
    assertThat(problem(kw.send(request(kw, call)), 401).getString("detail")).contains("X-API-KEY");
    assertThat(
            problem(kw.send(request(kw, call).header("X-API-KEY", kw.apiKey() + "x")), 401)
                .getString("detail"))
        .contains("does not hold");
    assertThat(problem(kw.send(request(kw, call).header("X-API-KEY", "")), 401)).isNotNull();
    assertThat(kw.system().storeRevision()).isEqualTo(before);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/health", "/health/ready", "/metrics", "/openapi"})
  void payaraEndpointsStayOpen(String path, Keywatch kw) {
    HttpResponse<String> r =
        kw.send(
            HttpRequest.newBuilder(kw.adminUri().resolve(path))
                .timeout(Duration.ofSeconds(30))
                .GET());
    assertThat(r.statusCode()).as("%s: %s", path, r.body()).isEqualTo(200);
  }

  /**
   * Payara parses its tracing headers before the key is checked, and logs a stack trace for each
   * one that is not a UUID: a caller without the key must not be able to write the admin's log.
   */
  @org.junit.jupiter.api.Test
  void payaraTracingHeadersWithoutTheKeyLogNothing(Keywatch kw) throws IOException {
    long logBefore = Files.size(kw.log(ServerRole.ADMIN));
    for (String traceId : new String[] {"not-a-uuid", "3f2504e0-4f89-11d3-9a0c-0305e82c3301"}) {
      HttpResponse<String> r =
          kw.send(
              HttpRequest.newBuilder(kw.adminUri().resolve("/routes"))
                  .header("Payara-Tracing-TraceId", traceId));
      assertThat(r.statusCode()).isEqualTo(401);
    }
    String log = Files.readString(kw.log(ServerRole.ADMIN), StandardCharsets.ISO_8859_1);
    assertThat(log.substring((int) Math.min(logBefore, log.length())))
        .doesNotContain("NCLS-CORE-00099")
        .doesNotContain("NCLS-CORE-00100");
  }

  @org.junit.jupiter.api.Test
  void theOpenApiDocumentDescribesTheAdminApi(Keywatch kw) {
    String doc = kw.send(HttpRequest.newBuilder(kw.adminUri().resolve("/openapi")).GET()).body();
    assertThat(doc)
        .contains("/routes/{id}", "/kv/{key}", "/txn", "/watch", "/compaction", "X-API-KEY")
        .as("OpenAPI paths hold no JAX-RS regular expressions")
        .doesNotContain("{key: .+}");
  }

  private static HttpRequest.Builder request(Keywatch kw, String call) {
    String[] parts = call.split(" ");
    return HttpRequest.newBuilder(kw.adminUri().resolve(parts[1]))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .method(
            parts[0],
            parts[0].equals("GET") || parts[0].equals("DELETE")
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(
                    "{\"uri\": \"/x\", \"upstream\": \"http://u\"}"));
  }
}
