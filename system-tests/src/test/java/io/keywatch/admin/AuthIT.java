package io.keywatch.admin;

import static io.keywatch.admin.Answers.problem;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.testing.Keywatch;
import io.keywatch.testing.KeywatchTest;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
