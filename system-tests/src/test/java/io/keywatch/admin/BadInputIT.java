package io.keywatch.admin;

import static io.keywatch.admin.Answers.ok;
import static io.keywatch.admin.Answers.problem;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.testing.Keywatch;
import io.keywatch.testing.KeywatchTest;
import jakarta.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad input gets a clear 4xx as {@code application/problem+json} and changes nothing: the
 * store revision is the same before and after, and the route the bad writes aim at keeps its value.
 */
@KeywatchTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputIT {

  /**
   * The route the bad writes aim at; it exists, so a write that slipped through would change it.
   */
  private static final String ID = Keywatch.uniqueId("target");

  private static final String ROUTE =
      "{\"uri\": \"/target\", \"upstream\": \"http://127.0.0.1:9\"}";
  private static final String FUTURE = Long.toString(Long.MAX_VALUE / 2);
  private static final String TOO_BIG = "x".repeat(1024 * 1024 + 1);

  private String targetBefore;

  record Case(String name, int status, Function<Keywatch, HttpRequest.Builder> request) {
    @Override
    public String toString() {
      return name + " -> " + status;
    }
  }

  @BeforeAll
  void createTarget(Keywatch kw) {
    kw.adminPut("/routes/" + ID, ROUTE);
    targetBefore = ok(kw.adminGet("/routes/" + ID), 200).getJsonObject("value").toString();
  }

  static Stream<Case> cases() {
    return Stream.of(
        // route documents
        putRoute("malformed JSON", 400, "{\"uri\": \"/x\""),
        putRoute("JSON that is not an object", 400, "[1, 2]"),
        putRoute("empty body", 400, ""),
        putRoute("wrong types", 400, "{\"uri\": 5, \"upstream\": true}"),
        putRoute("missing uri and upstream", 400, "{}"),
        putRoute("missing upstream", 400, "{\"uri\": \"/x\"}"),
        putRoute("relative upstream", 400, "{\"uri\": \"/x\", \"upstream\": \"/relative\"}"),
        putRoute("ftp upstream", 400, "{\"uri\": \"/x\", \"upstream\": \"ftp://files.example\"}"),
        putRoute("upstream without host", 400, "{\"uri\": \"/x\", \"upstream\": \"http://\"}"),
        putRoute("upstream not a URL", 400, "{\"uri\": \"/x\", \"upstream\": \"http://a b\"}"),
        putRoute("uri without leading slash", 400, "{\"uri\": \"x\", \"upstream\": \"http://u\"}"),
        putRoute("uri with a star inside", 400, "{\"uri\": \"/a*b\", \"upstream\": \"http://u\"}"),
        putRoute(
            "unknown field", 400, "{\"uri\": \"/x\", \"upstream\": \"http://u\", \"vars\": []}"),
        putRoute(
            "a plugin other than proxy-rewrite",
            400,
            "{\"uri\": \"/x\", \"upstream\": \"http://u\", \"plugins\": {\"limit-count\": {}}}"),
        putRoute(
            "uri and uris",
            400,
            "{\"uri\": \"/x\", \"uris\": [\"/y\"], \"upstream\": \"http://u\"}"),
        putRoute(
            "methods not an array",
            400,
            "{\"uri\": \"/x\", \"upstream\": \"http://u\", \"methods\": \"GET\"}"),
        putRoute(
            "unknown method",
            400,
            "{\"uri\": \"/x\", \"upstream\": \"http://u\", \"methods\": [\"FETCH\"]}"),
        putRoute(
            "negative timeout",
            400,
            "{\"uri\": \"/x\", \"upstream\": \"http://u\", \"timeout\": -1}"),
        putRoute(
            "route over the value limit",
            413,
            "{\"uri\": \"/x\", \"upstream\": \"http://u\", \"pad\": \"" + TOO_BIG + "\"}"),
        new Case(
            "route as text/plain",
            415,
            kw ->
                kw.adminRequest("/routes/" + ID)
                    .header("Content-Type", "text/plain")
                    .PUT(BodyPublishers.ofString(ROUTE))),
        new Case(
            "a real form where curl's form type is read as JSON",
            400,
            kw ->
                kw.adminRequest("/routes/" + ID)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .PUT(BodyPublishers.ofString("uri=/target&upstream=http://u"))),
        new Case(
            "txn as a real form",
            400,
            kw ->
                kw.adminRequest("/txn")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(BodyPublishers.ofString("success=x"))),
        // route ids
        putRouteAt("id '..' (path traversal)", 400, "/routes/%2E%2E"),
        putRouteAt("id with an encoded slash", 400, "/routes/a%2Fb"),
        putRouteAt("id with a control character", 400, "/routes/a%01b"),
        putRouteAt("id with a space", 400, "/routes/a%20b"),
        putRouteAt("id of 65 characters", 400, "/routes/" + "a".repeat(65)),
        // preconditions
        putWith("If-Match not a number", 400, "If-Match", "abc"),
        putWith("If-Match negative", 400, "If-Match", "-1"),
        putWith("If-None-Match other than *", 400, "If-None-Match", "\"5\""),
        new Case(
            "If-Match and If-None-Match together",
            400,
            kw ->
                kw.adminRequest("/routes/" + ID)
                    .header("Content-Type", "application/json")
                    .header("If-Match", "1")
                    .header("If-None-Match", "*")
                    .PUT(BodyPublishers.ofString(ROUTE))),
        // generic keys
        putKv("key with a '..' segment", 400, "/kv/a/%2E%2E/b", "x"),
        putKv("key with a '.' segment", 400, "/kv/a/%2E/b", "x"),
        putKv("key with an empty segment", 400, "/kv/a//b", "x"),
        putKv("key ending with a slash", 400, "/kv/a/", "x"),
        putKv("key with a control character", 400, "/kv/a%01b", "x"),
        putKv("key with DEL", 400, "/kv/a%7Fb", "x"),
        putKv("key over 1024 bytes", 400, "/kv/" + "k".repeat(1100), "x"),
        putKv("value over the limit", 413, "/kv/big-" + ID, TOO_BIG),
        new Case(
            "malformed JSON sent as application/json",
            400,
            kw ->
                kw.adminRequest("/kv/json-" + ID)
                    .header("Content-Type", "application/json")
                    .PUT(BodyPublishers.ofString("{\"a\":"))),
        get("prefix flag not a boolean", 400, "/kv/a?prefix=maybe"),
        get("prefix and history together", 400, "/kv/a?prefix=true&history=true"),
        get("history with a revision", 400, "/kv/a?history=true&rev=1"),
        // revisions
        get("rev not a number", 400, "/routes/" + ID + "?rev=abc"),
        get("rev negative", 400, "/routes/" + ID + "?rev=-1"),
        get("rev zero", 400, "/routes/" + ID + "?rev=0"),
        get("rev a fraction", 400, "/routes/" + ID + "?rev=1.5"),
        get("rev beyond a long", 400, "/routes/" + ID + "?rev=99999999999999999999"),
        get("rev in the future", 400, "/routes/" + ID + "?rev=" + FUTURE),
        get("list at a future rev", 400, "/routes?rev=" + FUTURE),
        // transactions
        post("txn malformed JSON", 400, "/txn", "{\"success\": ["),
        post("txn not an object", 400, "/txn", "[]"),
        post("txn unknown field", 400, "/txn", "{\"then\": []}"),
        post(
            "txn op neither put nor delete",
            400,
            "/txn",
            "{\"success\": [{\"get\": {\"key\": \"/a\"}}]}"),
        post(
            "txn value not base64",
            400,
            "/txn",
            "{\"success\": [{\"put\": {\"key\": \"/a-" + ID + "\", \"value\": \"!!\"}}]}"),
        post(
            "txn invalid route after a valid put",
            400,
            "/txn",
            "{\"success\": [{\"put\": {\"key\": \"/b-"
                + ID
                + "\", \"value\": \"eA==\"}}, {\"put\": {\"key\": \"/routes/"
                + ID
                + "\", \"value\": {\"uri\": \"x\"}}}]}"),
        post(
            "txn compare with a bad key",
            400,
            "/txn",
            "{\"compare\": [{\"key\": \"a\", \"modRevision\": 1}]}"),
        post(
            "txn compare with a negative revision",
            400,
            "/txn",
            "{\"compare\": [{\"key\": \"/a\", \"modRevision\": -1}]}"),
        post(
            "txn value over the limit",
            413,
            "/txn",
            "{\"success\": [{\"put\": {\"key\": \"/c-"
                + ID
                + "\", \"value\": \""
                + java.util.Base64.getEncoder().encodeToString(TOO_BIG.getBytes())
                + "\"}}]}"),
        post(
            "txn with 129 operations",
            400,
            "/txn",
            "{\"success\": ["
                + IntStream.range(0, 129)
                    .mapToObj(i -> "{\"delete\": {\"key\": \"/none-" + i + "\"}}")
                    .collect(Collectors.joining(","))
                + "]}"),
        // compaction
        post(
            "compaction past the current revision",
            400,
            "/compaction",
            "{\"revision\": " + FUTURE + "}"),
        post("compaction revision not a number", 400, "/compaction", "{\"revision\": \"1\"}"),
        post("compaction revision zero", 400, "/compaction", "{\"revision\": 0}"),
        post("compaction revision negative", 400, "/compaction", "{\"revision\": -5}"),
        post("compaction without a field", 400, "/compaction", "{}"),
        post(
            "compaction with both fields",
            400,
            "/compaction",
            "{\"revision\": 1, \"olderThan\": \"P1D\"}"),
        post("compaction age not ISO-8601", 400, "/compaction", "{\"olderThan\": \"7 days\"}"),
        post("compaction age negative", 400, "/compaction", "{\"olderThan\": \"-P1D\"}"),
        post("compaction age zero", 400, "/compaction", "{\"olderThan\": \"PT0S\"}"),
        // watch: refused before the stream opens
        get("watch rev not a number", 400, "/watch?rev=x"),
        get("watch rev in the future", 400, "/watch?rev=" + FUTURE),
        get("watch prefix without leading slash", 400, "/watch?prefix=routes/"),
        get("watch prefix with '..'", 400, "/watch?prefix=/a/%2E%2E/"),
        new Case(
            "watch Last-Event-ID not a number",
            400,
            kw -> kw.adminRequest("/watch").header("Last-Event-ID", "abc").GET()),
        // JAX-RS's own refusals
        new Case("unknown path", 404, kw -> kw.adminRequest("/nothing-here").GET()),
        new Case(
            "POST on a route",
            405,
            kw -> kw.adminRequest("/routes/" + ID).POST(BodyPublishers.ofString(ROUTE))),
        new Case(
            "PATCH on a key",
            405,
            kw -> kw.adminRequest("/kv/a").method("PATCH", BodyPublishers.ofString("x"))),
        new Case(
            "Accept XML only",
            406,
            kw -> kw.adminRequest("/routes").header("Accept", "application/xml").GET()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void isRefusedWithAProblemAndChangesNothing(Case c, Keywatch kw) {
    long before = kw.system().storeRevision();
    JsonObject problem = problem(kw.send(c.request().apply(kw)), c.status());
    assertThat(problem.getString("detail"))
        .as("a detail a person can act on")
        .hasSizeGreaterThan(10);
    assertThat(kw.system().storeRevision())
        .as("store revision after %s", c.name())
        .isEqualTo(before);
    assertThat(ok(kw.adminGet("/routes/" + ID), 200).getJsonObject("value").toString())
        .isEqualTo(targetBefore);
  }

  private static Case putRoute(String name, int status, String body) {
    return new Case(
        name,
        status,
        kw ->
            kw.adminRequest("/routes/" + ID)
                .header("Content-Type", "application/json")
                .PUT(BodyPublishers.ofString(body)));
  }

  private static Case putRouteAt(String name, int status, String path) {
    return new Case(
        name,
        status,
        kw ->
            kw.adminRequest(path)
                .header("Content-Type", "application/json")
                .PUT(BodyPublishers.ofString(ROUTE)));
  }

  private static Case putWith(String name, int status, String header, String value) {
    return new Case(
        name,
        status,
        kw ->
            kw.adminRequest("/routes/" + ID)
                .header("Content-Type", "application/json")
                .header(header, value)
                .PUT(BodyPublishers.ofString(ROUTE)));
  }

  private static Case putKv(String name, int status, String path, String body) {
    return new Case(name, status, kw -> kw.adminRequest(path).PUT(BodyPublishers.ofString(body)));
  }

  private static Case get(String name, int status, String path) {
    return new Case(name, status, kw -> kw.adminRequest(path).GET());
  }

  private static Case post(String name, int status, String path, String body) {
    return new Case(
        name,
        status,
        kw ->
            kw.adminRequest(path)
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString(body)));
  }
}
