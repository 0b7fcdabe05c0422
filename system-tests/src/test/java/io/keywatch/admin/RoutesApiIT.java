package io.keywatch.admin;

import static io.keywatch.admin.Answers.ok;
import static io.keywatch.admin.Answers.problem;
import static io.keywatch.admin.Answers.revision;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.testing.Keywatch;
import io.keywatch.testing.KeywatchTest;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** {@code /routes}: the APISIX-style route resource over the running admin server. */
@KeywatchTest
class RoutesApiIT {

  private static final String ROUTE =
      "{\"uri\": \"/get\", \"upstream\": \"http://127.0.0.1:8080\"}";

  @Test
  void putCreatesThenReplacesAndAnswersRevisionsAndPrevKv(Keywatch kw) {
    String id = Keywatch.uniqueId("r");
    JsonObject created = ok(kw.adminPut("/routes/" + id, ROUTE), 201);
    long rev1 = revision(created);
    assertThat(created.getString("key")).isEqualTo("/routes/" + id);
    assertThat(created.getJsonObject("value").getString("upstream"))
        .isEqualTo("http://127.0.0.1:8080");
    assertThat(created.getJsonNumber("modRevision").longValue()).isEqualTo(rev1);
    assertThat(created.getJsonNumber("createRevision").longValue()).isEqualTo(rev1);
    assertThat(created.getInt("version")).isEqualTo(1);
    assertThat(created.containsKey("prevKv")).isFalse();

    HttpResponse<String> r =
        kw.adminPut(
            "/routes/" + id,
            "{\"uri\": \"/api/*\", \"upstream\": \"http://127.0.0.1:8081\", \"methods\": [\"GET\"]}");
    JsonObject replaced = ok(r, 200);
    long rev2 = revision(replaced);
    assertThat(rev2).isGreaterThan(rev1);
    assertThat(r.headers().firstValue("ETag")).hasValue("\"" + rev2 + "\"");
    assertThat(replaced.getInt("version")).isEqualTo(2);
    assertThat(replaced.getJsonNumber("createRevision").longValue()).isEqualTo(rev1);
    assertThat(replaced.getJsonObject("prevKv").getJsonObject("value").getString("uri"))
        .isEqualTo("/get");
    assertThat(kw.system().storeRevision()).isGreaterThanOrEqualTo(rev2);
  }

  @Test
  void getAnswersTheRouteWithEtagAndReadsOlderRevisions(Keywatch kw) {
    String id = Keywatch.uniqueId("r");
    long rev1 = revision(ok(kw.adminPut("/routes/" + id, ROUTE), 201));
    long rev2 =
        revision(
            ok(
                kw.adminPut(
                    "/routes/" + id, "{\"uri\": \"/two\", \"upstream\": \"https://b.example\"}"),
                200));

    HttpResponse<String> now = kw.adminGet("/routes/" + id);
    JsonObject current = ok(now, 200);
    assertThat(now.headers().firstValue("ETag")).hasValue("\"" + rev2 + "\"");
    assertThat(revision(current)).isGreaterThanOrEqualTo(rev2);
    assertThat(current.getJsonObject("value").getString("uri")).isEqualTo("/two");
    assertThat(current.getString("createdAt")).isNotBlank();

    JsonObject old = ok(kw.adminGet("/routes/" + id + "?rev=" + rev1), 200);
    assertThat(old.getJsonObject("value").getString("uri")).isEqualTo("/get");
    assertThat(old.getJsonNumber("modRevision").longValue()).isEqualTo(rev1);
    assertThat(revision(old))
        .as("the header is the store revision, not the one read at")
        .isGreaterThanOrEqualTo(rev2);

    problem(kw.adminGet("/routes/" + id + "?rev=" + (rev1 - 1)), 404);
  }

  @Test
  void theRouteIsStoredInCanonicalForm(Keywatch kw) {
    String id = Keywatch.uniqueId("r");
    ok(
        kw.adminPut(
            "/routes/" + id,
            "{ \"timeout\": 2.5, \"methods\": [\"POST\", \"GET\"],\n \"upstream\": \"http://u\", \"uri\": \"/c\" }"),
        201);
    JsonObject value = ok(kw.adminGet("/kv/routes/" + id), 200).getJsonObject("value");
    assertThat(value.keySet()).containsExactly("uri", "upstream", "methods", "timeout");
    assertThat(value.getJsonArray("methods").toString()).isEqualTo("[\"GET\",\"POST\"]");
    assertThat(value.getJsonNumber("timeout").bigDecimalValue()).isEqualByComparingTo("2.5");
  }

  @Test
  void listShowsEveryRouteAtTheStoreRevision(Keywatch kw) {
    String a = Keywatch.uniqueId("list");
    String b = Keywatch.uniqueId("list");
    long rev1 = revision(ok(kw.adminPut("/routes/" + a, ROUTE), 201));
    long rev2 = revision(ok(kw.adminPut("/routes/" + b, ROUTE), 201));

    JsonObject list = ok(kw.adminGet("/routes"), 200);
    assertThat(revision(list)).isGreaterThanOrEqualTo(rev2);
    assertThat(list.getJsonArray("kvs").getValuesAs(JsonObject.class))
        .extracting(o -> o.getString("key"))
        .contains("/routes/" + a, "/routes/" + b)
        .isSorted()
        .allMatch(k -> k.startsWith("/routes/"));
    assertThat(list.getInt("count")).isEqualTo(list.getJsonArray("kvs").size());

    JsonObject before = ok(kw.adminGet("/routes?rev=" + rev1), 200);
    assertThat(before.getJsonArray("kvs").getValuesAs(JsonObject.class))
        .extracting(o -> o.getString("key"))
        .contains("/routes/" + a)
        .doesNotContain("/routes/" + b);
  }

  @Test
  void deleteWritesATombstoneAndAnAbsentRouteIs404(Keywatch kw) {
    String id = Keywatch.uniqueId("del");
    long put = revision(ok(kw.adminPut("/routes/" + id, ROUTE), 201));
    JsonObject deleted = ok(kw.adminDelete("/routes/" + id), 200);
    assertThat(revision(deleted)).isGreaterThan(put);
    assertThat(deleted.getInt("deleted")).isEqualTo(1);
    assertThat(deleted.getJsonObject("prevKv").getJsonNumber("modRevision").longValue())
        .isEqualTo(put);

    HttpResponse<String> gone = kw.adminGet("/routes/" + id);
    problem(gone, 404);
    assertThat(gone.headers().firstValue("X-Keywatch-Revision")).isPresent();

    long before = kw.system().storeRevision();
    problem(kw.adminDelete("/routes/" + id), 404);
    assertThat(kw.system().storeRevision())
        .as("deleting an absent route writes nothing")
        .isEqualTo(before);
  }

  @Test
  void historyListsEveryKeptRevisionWithTombstones(Keywatch kw) {
    String id = Keywatch.uniqueId("hist");
    long r1 = revision(ok(kw.adminPut("/routes/" + id, ROUTE), 201));
    long r2 =
        revision(
            ok(kw.adminPut("/routes/" + id, "{\"uri\": \"/h\", \"upstream\": \"http://u\"}"), 200));
    long r3 = revision(ok(kw.adminDelete("/routes/" + id), 200));
    JsonObject again = ok(kw.adminPut("/routes/" + id, ROUTE), 201);
    assertThat(again.containsKey("prevKv"))
        .as("as in etcd, a key put after a delete has no prevKv")
        .isFalse();
    long r4 = revision(again);

    var history =
        ok(kw.adminGet("/routes/" + id + "/history"), 200)
            .getJsonArray("history")
            .getValuesAs(JsonObject.class);
    assertThat(history)
        .extracting(h -> h.getJsonNumber("modRevision").longValue())
        .containsExactly(r1, r2, r3, r4);
    assertThat(history).extracting(h -> h.getInt("version")).containsExactly(1, 2, 0, 1);
    assertThat(history.get(2).getBoolean("deleted")).isTrue();
    assertThat(history.get(2).containsKey("value")).isFalse();
    assertThat(history.get(3).getJsonNumber("createRevision").longValue())
        .as("a new incarnation")
        .isEqualTo(r4);

    problem(kw.adminGet("/routes/" + Keywatch.uniqueId("never") + "/history"), 404);
  }

  @Test
  void ifMatchReplacesOnlyTheRevisionTheClientSaw(Keywatch kw) {
    String id = Keywatch.uniqueId("cas");
    long r1 = revision(ok(kw.adminPut("/routes/" + id, ROUTE), 201));
    long r2 = revision(ok(kw.adminPut("/routes/" + id, ROUTE), 200));

    long before = kw.system().storeRevision();
    JsonObject stale = problem(put(kw, id, "If-Match", Long.toString(r1)), 412);
    assertThat(stale.getJsonNumber("modRevision").longValue()).isEqualTo(r2);
    assertThat(kw.system().storeRevision())
        .as("a failed precondition writes nothing")
        .isEqualTo(before);

    long r3 = revision(ok(put(kw, id, "If-Match", "\"" + r2 + "\""), 200));
    assertThat(r3).isGreaterThan(r2);

    problem(
        kw.send(kw.adminRequest("/routes/" + id).header("If-Match", Long.toString(r2)).DELETE()),
        412);
    ok(
        kw.send(kw.adminRequest("/routes/" + id).header("If-Match", Long.toString(r3)).DELETE()),
        200);
  }

  @Test
  void ifNoneMatchStarOnlyCreates(Keywatch kw) {
    String id = Keywatch.uniqueId("create");
    ok(put(kw, id, "If-None-Match", "*"), 201);
    long before = kw.system().storeRevision();
    problem(put(kw, id, "If-None-Match", "*"), 412);
    assertThat(kw.system().storeRevision()).isEqualTo(before);
  }

  @Test
  void aRouteReadsTheSameThroughTheGenericKey(Keywatch kw) {
    String id = Keywatch.uniqueId("same");
    ok(kw.adminPut("/routes/" + id, ROUTE), 201);
    JsonObject viaKv = ok(kw.adminGet("/kv/routes/" + id), 200);
    JsonObject viaRoutes = ok(kw.adminGet("/routes/" + id), 200);
    assertThat(viaKv.getJsonObject("value")).isEqualTo(viaRoutes.getJsonObject("value"));
    assertThat(viaKv.get("value")).isNotInstanceOf(JsonString.class);
  }

  private static HttpResponse<String> put(Keywatch kw, String id, String header, String value) {
    return kw.send(
        kw.adminRequest("/routes/" + id)
            .header("Content-Type", "application/json")
            .header(header, value)
            .PUT(HttpRequest.BodyPublishers.ofString(ROUTE)));
  }
}
