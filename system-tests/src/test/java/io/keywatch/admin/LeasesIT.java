package io.keywatch.admin;

import static io.keywatch.admin.Answers.ok;
import static io.keywatch.admin.Answers.problem;
import static io.keywatch.admin.Answers.putValue;
import static io.keywatch.testing.Keywatch.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keywatch.proxy.EchoUpstream;
import io.keywatch.testing.Keywatch;
import io.keywatch.testing.KeywatchTest;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /leases} on the running system: a route attached to a lease is served by the gateway until
 * the lease expires or is revoked, then its tombstone reaches the gateway; keep-alive keeps it.
 */
@KeywatchTest
class LeasesIT {

  /** keywatch.lease.check-interval's default. */
  private static final Duration CHECK_INTERVAL = Duration.ofMillis(500);

  /** Time the expiring transaction itself may take on a busy machine, beyond the check interval. */
  private static final Duration EXPIRY_SLACK = Duration.ofSeconds(2);

  static EchoUpstream upstream;

  @BeforeAll
  static void start() {
    upstream = new EchoUpstream("L");
  }

  @AfterAll
  static void stop() {
    upstream.close();
  }

  private static JsonObject grant(Keywatch kw, long ttl) {
    return ok(kw.adminPost("/leases", "{\"ttl\": " + ttl + "}"), 201);
  }

  private static String route(String uri) {
    return "{\"uri\": \"" + uri + "\", \"upstream\": \"" + upstream.url() + "\"}";
  }

  private static JsonObject lastRow(Keywatch kw, String routeId) {
    List<JsonValue> rows =
        ok(kw.adminGet("/routes/" + routeId + "/history"), 200).getJsonArray("history");
    return rows.get(rows.size() - 1).asJsonObject();
  }

  @Test
  void aLeasedRouteIsServedUntilTheLeaseExpiresThenItsTombstoneStopsTheGateway(Keywatch kw) {
    String id = Keywatch.uniqueId("leased");
    String path = "/" + id + "/get";
    JsonObject lease = grant(kw, 3);
    long leaseId = lease.getJsonNumber("id").longValue();
    Instant expiresAt = Instant.parse(lease.getString("expiresAt"));
    assertThat(lease.getJsonNumber("ttl").longValue()).isEqualTo(3);

    JsonObject put = ok(kw.adminPut("/routes/" + id + "?lease=" + leaseId, route(path)), 201);
    assertThat(put.getJsonNumber("lease").longValue()).isEqualTo(leaseId);
    eventually()
        .untilAsserted(() -> assertThat(kw.proxyGet(path).body()).isEqualTo("L GET " + path));
    assertThat(ok(kw.adminGet("/leases/" + leaseId + "?keys=true"), 200).getJsonArray("keys"))
        .extracting(v -> ((JsonString) v).getString())
        .containsExactly("/routes/" + id);

    eventually().untilAsserted(() -> assertThat(kw.proxyGet(path).statusCode()).isEqualTo(404));

    JsonObject tombstone = lastRow(kw, id);
    assertThat(tombstone.getBoolean("deleted")).isTrue();
    assertThat(tombstone.containsKey("lease")).as("a tombstone is attached to nothing").isFalse();
    Instant deletedAt = Instant.parse(tombstone.getString("createdAt"));
    assertThat(deletedAt)
        .as("deleted after its TTL and within the check interval of it")
        .isBetween(expiresAt, expiresAt.plus(CHECK_INTERVAL).plus(EXPIRY_SLACK));
    problem(kw.adminGet("/leases/" + leaseId), 404);
  }

  @Test
  void revokeDeletesEveryAttachedKeyAtOnce(Keywatch kw) {
    String id = Keywatch.uniqueId("revoked");
    String path = "/" + id + "/get";
    long leaseId = grant(kw, 600).getJsonNumber("id").longValue();
    String key = "/services/" + id;
    ok(kw.adminPut("/routes/" + id + "?lease=" + leaseId, route(path)), 201);
    ok(
        kw.send(
            kw.adminRequest("/kv" + key + "?lease=" + leaseId)
                .header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString("1"))),
        201);
    eventually().untilAsserted(() -> assertThat(kw.proxyGet(path).statusCode()).isEqualTo(200));
    assertThat(ok(kw.adminGet("/leases"), 200).getJsonArray("leases"))
        .extracting(v -> v.asJsonObject().getJsonNumber("id").longValue())
        .contains(leaseId);

    JsonObject revoked = ok(kw.adminDelete("/leases/" + leaseId), 200);

    assertThat(revoked.getInt("deleted")).isEqualTo(2);
    assertThat(revoked.getJsonArray("keys"))
        .extracting(v -> ((JsonString) v).getString())
        .containsExactly("/routes/" + id, key);
    long tombstone = lastRow(kw, id).getJsonNumber("modRevision").longValue();
    assertThat(Answers.revision(revoked))
        .as("consecutive revisions, the route's first")
        .isEqualTo(tombstone + 1);
    problem(kw.adminGet("/kv" + key), 404);
    eventually().untilAsserted(() -> assertThat(kw.proxyGet(path).statusCode()).isEqualTo(404));
    assertThat(problem(kw.adminDelete("/leases/" + leaseId), 404).getString("type"))
        .isEqualTo("urn:keywatch:problem:lease-not-found");
  }

  @Test
  void keepAliveKeepsAKeyPastItsFirstTtl(Keywatch kw) {
    long ttl = 4; // a keep-alive every 0.5 s: a request may take seconds on a busy machine
    Instant granted = Instant.now();
    long leaseId = grant(kw, ttl).getJsonNumber("id").longValue();
    String key = "/kept/" + Keywatch.uniqueId("k");
    ok(
        kw.send(
            kw.adminRequest("/kv" + key + "?lease=" + leaseId)
                .header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString("alive"))),
        201);

    Instant keptUntil = granted.plusSeconds(2 * ttl);
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              JsonObject renewed =
                  ok(
                      kw.send(
                          kw.adminRequest("/leases/" + leaseId + "/keepalive")
                              .PUT(HttpRequest.BodyPublishers.noBody())),
                      200);
              assertThat(renewed.getJsonNumber("ttl").longValue()).isEqualTo(ttl);
              return Instant.now().isAfter(keptUntil);
            });
    ok(kw.adminGet("/kv" + key), 200);
    ok(kw.adminPost("/leases/" + leaseId + "/keepalive", ""), 200);

    eventually().untilAsserted(() -> problem(kw.adminGet("/kv" + key), 404));
    problem(
        kw.send(
            kw.adminRequest("/leases/" + leaseId + "/keepalive")
                .PUT(HttpRequest.BodyPublishers.noBody())),
        404);
  }

  @Test
  void aPutWithoutTheLeaseDetachesTheKey(Keywatch kw) {
    long leaseId = grant(kw, 600).getJsonNumber("id").longValue();
    String key = "/detached/" + Keywatch.uniqueId("k");
    ok(
        kw.send(
            kw.adminRequest("/kv" + key + "?lease=" + leaseId)
                .header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString("1"))),
        201);
    assertThat(ok(putValue(kw, key, "2"), 200).containsKey("lease")).isFalse();

    assertThat(ok(kw.adminDelete("/leases/" + leaseId), 200).getInt("deleted")).isZero();
    ok(kw.adminGet("/kv" + key), 200);
  }

  @Test
  void badLeaseRequestsAreRefusedAndChangeNothing(Keywatch kw) {
    String key = "/bad-lease/" + Keywatch.uniqueId("k");
    JsonObject unknown =
        problem(
            kw.send(
                kw.adminRequest("/kv" + key + "?lease=999999999")
                    .header("Content-Type", "text/plain")
                    .PUT(HttpRequest.BodyPublishers.ofString("1"))),
            404);
    assertThat(unknown.getString("type")).isEqualTo("urn:keywatch:problem:lease-not-found");
    assertThat(unknown.getJsonNumber("lease").longValue()).isEqualTo(999999999L);
    problem(kw.adminGet("/kv" + key), 404);
    problem(
        kw.adminPut("/routes/" + Keywatch.uniqueId("r") + "?lease=999999999", route("/x")), 404);

    problem(
        kw.send(
            kw.adminRequest("/kv" + key + "?lease=abc")
                .header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString("1"))),
        400);
    problem(kw.adminPost("/leases", "{\"ttl\": \"ten\"}"), 400);
    problem(kw.adminPost("/leases", "{\"ttl\": 10, \"extra\": 1}"), 400);
    problem(kw.adminPost("/leases", "{}"), 400);
    problem(kw.adminPost("/leases", "[10]"), 400);
    assertThat(
            problem(kw.adminPost("/leases", "{\"ttl\": 9000000001}"), 400)
                .getJsonNumber("maxTtl")
                .longValue())
        .isEqualTo(9_000_000_000L);
    problem(kw.adminGet("/leases/abc"), 400);
    problem(kw.adminGet("/leases/0"), 400);

    long taken = grant(kw, 600).getJsonNumber("id").longValue();
    JsonObject exists =
        problem(kw.adminPost("/leases", "{\"ttl\": 5, \"id\": " + taken + "}"), 409);
    assertThat(exists.getString("type")).isEqualTo("urn:keywatch:problem:lease-exists");
    assertThat(ok(kw.adminGet("/leases/" + taken), 200).getJsonNumber("grantedTtl").longValue())
        .isEqualTo(600);
  }

  @Test
  void aTtlBelowTheMinimumIsRaisedToIt(Keywatch kw) {
    assertThat(grant(kw, 1).getJsonNumber("ttl").longValue()).isEqualTo(2);
  }
}
