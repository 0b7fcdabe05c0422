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
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** {@code /kv/{key}} and {@code /txn}: generic keys, etcd-style, over the running admin server. */
@KeywatchTest
class KvApiIT {

  @Test
  void anyBytesGoInAndComeBackBase64OrRaw(Keywatch kw) {
    String key = "/services/" + Keywatch.uniqueId("u");
    byte[] bytes = {0, 1, 2, (byte) 0xff, 'h', 'i', '\n'};
    JsonObject put =
        ok(
            kw.send(
                kw.adminRequest("/kv" + key)
                    .header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))),
            201);
    assertThat(put.getString("key")).isEqualTo(key);

    JsonObject got = ok(kw.adminGet("/kv" + key), 200);
    assertThat(Base64.getDecoder().decode(got.getString("value"))).isEqualTo(bytes);
    assertThat(got.getJsonNumber("modRevision").longValue()).isEqualTo(revision(put));

    HttpResponse<byte[]> raw =
        kw.send(
            kw.adminRequest("/kv" + key).header("Accept", "application/octet-stream").GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(raw.statusCode()).isEqualTo(200);
    assertThat(raw.body()).isEqualTo(bytes);
    assertThat(raw.headers().firstValue("ETag")).hasValue("\"" + revision(put) + "\"");
    assertThat(raw.headers().firstValue("X-Keywatch-Revision")).isPresent();
  }

  @Test
  void aJsonValueIsStoredAsSent(Keywatch kw) {
    String key = "/services/" + Keywatch.uniqueId("json");
    String json = "{\"nodes\": {\"127.0.0.1:80\": 1}}";
    ok(kw.adminPut("/kv" + key, json), 201);
    String stored =
        new String(
            Base64.getDecoder().decode(ok(kw.adminGet("/kv" + key), 200).getString("value")),
            StandardCharsets.UTF_8);
    assertThat(stored).isEqualTo(json);
  }

  @Test
  void aTransactionAndACompactionSentWithCurlsDefaultFormTypeAreReadAsJson(Keywatch kw) {
    String key = "/curl/" + Keywatch.uniqueId("form");
    JsonObject txn =
        ok(
            kw.send(
                kw.adminRequest("/txn")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"success\": [{\"put\": {\"key\": \""
                                + key
                                + "\", \"value\": \"dg==\"}}]}"))),
            200);
    assertThat(txn.getBoolean("succeeded")).isTrue();
    assertThat(ok(kw.adminGet("/kv" + key), 200).getString("value")).isEqualTo("dg==");
    ok(
        kw.send(
            kw.adminRequest("/compaction")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("{\"revision\": 1}"))),
        200);
  }

  @Test
  void prefixListsTheLiveKeysUnderAPath(Keywatch kw) {
    String dir = "/" + Keywatch.uniqueId("dir");
    long r1 = revision(ok(putValue(kw, dir + "/a", "1"), 201));
    ok(putValue(kw, dir + "/b", "2"), 201);
    ok(putValue(kw, dir + "-sibling/c", "3"), 201);
    ok(kw.adminDelete("/kv" + dir + "/b"), 200);

    JsonObject list = ok(kw.adminGet("/kv" + dir + "/?prefix=true"), 200);
    assertThat(list.getJsonArray("kvs").getValuesAs(JsonObject.class))
        .extracting(o -> o.getString("key"))
        .containsExactly(dir + "/a");
    assertThat(list.getInt("count")).isEqualTo(1);

    JsonObject atR1 = ok(kw.adminGet("/kv" + dir + "/?prefix=true&rev=" + r1), 200);
    assertThat(atR1.getInt("count")).isEqualTo(1);

    JsonObject all = ok(kw.adminGet("/kv"), 200);
    assertThat(all.getJsonArray("kvs").getValuesAs(JsonObject.class))
        .extracting(o -> o.getString("key"))
        .contains(dir + "/a", dir + "-sibling/c");
  }

  @Test
  void historyAndDeleteOfAGenericKey(Keywatch kw) {
    String key = "/" + Keywatch.uniqueId("h");
    long r1 = revision(ok(putValue(kw, key, "1"), 201));
    JsonObject deleted = ok(kw.adminDelete("/kv" + key), 200);
    assertThat(Base64.getDecoder().decode(deleted.getJsonObject("prevKv").getString("value")))
        .isEqualTo("1".getBytes());
    var history =
        ok(kw.adminGet("/kv" + key + "?history=true"), 200)
            .getJsonArray("history")
            .getValuesAs(JsonObject.class);
    assertThat(history)
        .extracting(h -> h.getJsonNumber("modRevision").longValue())
        .containsExactly(r1, revision(deleted));
    problem(kw.adminGet("/kv" + key), 404);
    problem(kw.adminDelete("/kv" + key), 404);
  }

  @Test
  void aRouteKeyWrittenThroughKvIsCheckedAsARoute(Keywatch kw) {
    String id = Keywatch.uniqueId("kvroute");
    long before = kw.system().storeRevision();
    JsonObject p = problem(kw.adminPut("/kv/routes/" + id, "{\"uri\": \"nope\"}"), 400);
    assertThat(p.getJsonArray("problems")).isNotEmpty();
    assertThat(kw.system().storeRevision()).isEqualTo(before);
    ok(kw.adminPut("/kv/routes/" + id, "{\"uri\": \"/ok\", \"upstream\": \"http://u\"}"), 201);
  }

  @Test
  void txnRunsTheSuccessBranchAtomicallyWithConsecutiveRevisions(Keywatch kw) {
    String a = "/" + Keywatch.uniqueId("txn");
    String b = "/" + Keywatch.uniqueId("txn");
    String route = Keywatch.uniqueId("txnroute");
    long ra = revision(ok(putValue(kw, a, "old"), 201));
    ok(putValue(kw, b, "gone"), 201);

    String txn =
        """
        {"compare": [{"key": "%s", "modRevision": %d}, {"key": "/routes/%s", "modRevision": 0}],
         "success": [{"put": {"key": "%s", "value": "%s"}},
                     {"put": {"key": "/routes/%s", "value": {"uri": "/t", "upstream": "http://t"}}},
                     {"delete": {"key": "%s"}},
                     {"delete": {"key": "/never-%s"}}],
         "failure": [{"put": {"key": "%s", "value": "ZmFpbA=="}}]}
        """
            .formatted(a, ra, route, a, b64("new"), route, b, route, a);
    JsonObject r = ok(kw.adminPost("/txn", txn), 200);
    assertThat(r.getBoolean("succeeded")).isTrue();
    var responses = r.getJsonArray("responses").getValuesAs(JsonObject.class);
    assertThat(responses).hasSize(4);
    long first = responses.get(0).getJsonObject("put").getJsonNumber("modRevision").longValue();
    assertThat(responses.get(1).getJsonObject("put").getJsonNumber("modRevision").longValue())
        .isEqualTo(first + 1);
    assertThat(responses.get(2).getJsonObject("delete").getInt("deleted")).isEqualTo(1);
    assertThat(responses.get(2).getJsonObject("delete").getJsonNumber("modRevision").longValue())
        .isEqualTo(first + 2);
    assertThat(responses.get(3).getJsonObject("delete").getInt("deleted")).isZero();
    assertThat(revision(r)).isEqualTo(first + 2);
    assertThat(responses.get(0).getJsonObject("put").getJsonObject("prevKv").getString("value"))
        .isEqualTo(b64("old"));

    assertThat(ok(kw.adminGet("/kv" + a), 200).getString("value")).isEqualTo(b64("new"));
    ok(kw.adminGet("/routes/" + route), 200);
    problem(kw.adminGet("/kv" + b), 404);
  }

  @Test
  void txnRunsTheFailureBranchWhenACompareFails(Keywatch kw) {
    String a = "/" + Keywatch.uniqueId("txnf");
    long ra = revision(ok(putValue(kw, a, "v1"), 201));
    ok(putValue(kw, a, "v2"), 200);
    String txn =
        """
        {"compare": [{"key": "%s", "modRevision": %d}],
         "success": [{"put": {"key": "%s", "value": "%s"}}],
         "failure": []}
        """
            .formatted(a, ra, a, b64("lost update"));
    long before = kw.system().storeRevision();
    JsonObject r = ok(kw.adminPost("/txn", txn), 200);
    assertThat(r.getBoolean("succeeded")).isFalse();
    assertThat(r.getJsonArray("responses")).isEmpty();
    assertThat(kw.system().storeRevision()).isEqualTo(before);
    assertThat(ok(kw.adminGet("/kv" + a), 200).getString("value")).isEqualTo(b64("v2"));
  }

  @Test
  void conditionalPutAndDeleteOfAGenericKey(Keywatch kw) {
    String key = "/" + Keywatch.uniqueId("cas");
    long r1 = revision(ok(send(kw, key, "If-None-Match", "*"), 201));
    problem(send(kw, key, "If-None-Match", "*"), 412);
    long r2 = revision(ok(send(kw, key, "If-Match", Long.toString(r1)), 200));
    problem(send(kw, key, "If-Match", Long.toString(r1)), 412);
    problem(kw.send(kw.adminRequest("/kv" + key).header("If-Match", "0").DELETE()), 412);
    ok(kw.send(kw.adminRequest("/kv" + key).header("If-Match", "\"" + r2 + "\"").DELETE()), 200);
  }

  private static HttpResponse<String> send(Keywatch kw, String key, String header, String value) {
    return kw.send(
        kw.adminRequest("/kv" + key)
            .header(header, value)
            .PUT(HttpRequest.BodyPublishers.ofString("x")));
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
