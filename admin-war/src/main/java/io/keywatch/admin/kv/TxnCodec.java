package io.keywatch.admin.kv;

import static io.keywatch.config.JsonSupport.JSON;

import io.keywatch.admin.problems.Problems;
import io.keywatch.kv.InvalidKeyException;
import io.keywatch.kv.KvEvent;
import io.keywatch.kv.Txn;
import io.keywatch.kv.TxnResult;
import io.keywatch.routes.InvalidRouteException;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads and answers etcd-like transactions:
 *
 * <pre>
 * {"compare": [{"key": "/a", "modRevision": 5}],            (0: the key must be absent)
 *  "success": [{"put": {"key": "/a", "value": "aGk="}},      (base64; a route key takes its route object)
 *              {"delete": {"key": "/b"}}],
 *  "failure": [...]}
 * -> {"header": {"revision": 9}, "succeeded": true,
 *     "responses": [{"put": {"key": "/a", "modRevision": 9, "prevKv": {...}}}, {"delete": {"key": "/b", "deleted": 0}}]}
 * </pre>
 *
 * Every problem of a request is collected, with its place (e.g. {@code success[1].put.value}), and
 * reported at once; nothing runs unless all of it is valid.
 */
final class TxnCodec {

  private static final Set<String> FIELDS = Set.of("compare", "success", "failure");

  private TxnCodec() {}

  /** A valid transaction, and what its puts would write (both branches), in order. */
  record Parsed(Txn txn, List<Values.Admitted> documents) {}

  static Parsed parse(JsonObject o, int maxOps) {
    List<String> problems = new ArrayList<>();
    o.keySet().stream()
        .filter(f -> !FIELDS.contains(f))
        .forEach(f -> problems.add("unknown field '" + f + "' (known: compare, success, failure)"));
    List<Txn.Compare> compares = new ArrayList<>();
    int index = 0;
    for (JsonObject c : objects(o, "compare", problems)) {
      String where = "compare[" + index++ + "]";
      String key = key(c, where, problems);
      long mod = modRevision(c, where, problems);
      unknown(c, Set.of("key", "modRevision"), where, problems);
      if (key != null) {
        compares.add(new Txn.Compare(key, mod));
      }
    }
    List<Values.Admitted> documents = new ArrayList<>();
    List<Txn.Op> success = ops(o, "success", problems, documents);
    List<Txn.Op> failure = ops(o, "failure", problems, documents);
    int size = compares.size() + success.size() + failure.size();
    if (size > maxOps) {
      problems.add(
          "a transaction holds at most "
              + maxOps
              + " compares and operations (keywatch.txn.max-ops), this one "
              + size);
    }
    if (!problems.isEmpty()) {
      throw Problems.invalidRequest("invalid transaction: " + String.join("; ", problems), problems)
          .exception();
    }
    return new Parsed(new Txn(compares, success, failure), documents);
  }

  private static List<Txn.Op> ops(
      JsonObject o, String branch, List<String> problems, List<Values.Admitted> documents) {
    List<Txn.Op> ops = new ArrayList<>();
    List<JsonObject> items = objects(o, branch, problems);
    for (int i = 0; i < items.size(); i++) {
      String where = branch + "[" + i + "]";
      JsonObject item = items.get(i);
      if (item.size() != 1 || !(item.containsKey("put") || item.containsKey("delete"))) {
        problems.add(where + " must be {\"put\": {...}} or {\"delete\": {...}}");
        continue;
      }
      String kind = item.containsKey("put") ? "put" : "delete";
      if (!(item.get(kind) instanceof JsonObject op)) {
        problems.add(where + "." + kind + " must be an object");
        continue;
      }
      String at = where + "." + kind;
      String key = key(op, at, problems);
      if (kind.equals("delete")) {
        unknown(op, Set.of("key"), at, problems);
        if (key != null) {
          ops.add(new Txn.Delete(key));
        }
        continue;
      }
      unknown(op, Set.of("key", "value"), at, problems);
      JsonValue v = op.get("value");
      if (v == null) {
        problems.add(at + ".value is required");
      } else if (key != null) {
        byte[] value = Values.fromJson(key, v, at + ".value", problems);
        if (value != null) {
          try {
            Values.Admitted admitted = Values.admit(key, value);
            documents.add(admitted);
            ops.add(new Txn.Put(key, admitted.stored()));
          } catch (InvalidRouteException e) {
            e.problems().forEach(p -> problems.add(at + ".value: " + p));
          }
        }
      }
    }
    return ops;
  }

  private static List<JsonObject> objects(JsonObject o, String field, List<String> problems) {
    JsonValue v = o.get(field);
    if (v == null || v == JsonValue.NULL) {
      return List.of();
    }
    if (!(v instanceof JsonArray a)) {
      problems.add(field + " must be an array");
      return List.of();
    }
    List<JsonObject> items = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i) instanceof JsonObject item) {
        items.add(item);
      } else {
        problems.add(field + "[" + i + "] must be an object");
      }
    }
    return items;
  }

  private static String key(JsonObject o, String where, List<String> problems) {
    if (!(o.get("key") instanceof JsonString s)) {
      problems.add(where + ".key is required and must be a string");
      return null;
    }
    try {
      return KeyRules.requireKey(s.getString());
    } catch (InvalidKeyException e) {
      problems.add(where + ".key: " + e.getMessage());
      return null;
    }
  }

  private static long modRevision(JsonObject o, String where, List<String> problems) {
    OptionalLong mod = Bodies.wholeNumber(o.get("modRevision"), 0);
    if (mod.isEmpty()) {
      problems.add(
          where
              + ".modRevision is required and must be a whole number of at least 0 (0: the key is absent)");
    }
    return mod.orElse(0);
  }

  private static void unknown(
      JsonObject o, Set<String> known, String where, List<String> problems) {
    o.keySet().stream()
        .filter(f -> !known.contains(f))
        .forEach(f -> problems.add(where + ": unknown field '" + f + "'"));
  }

  /** The answer: one response per operation of the branch that ran, in order. */
  static JsonObject answer(Txn txn, TxnResult result) {
    JsonArrayBuilder responses = JSON.createArrayBuilder();
    Iterator<KvEvent> events = result.events().iterator();
    KvEvent next = events.hasNext() ? events.next() : null;
    for (Txn.Op op : result.succeeded() ? txn.success() : txn.failure()) {
      // events are in operation order; only a delete of an absent key has none
      boolean wrote =
          next != null
              && next.key().equals(op.key())
              && (next.type() == KvEvent.Type.PUT) == (op instanceof Txn.Put);
      JsonObjectBuilder r = JSON.createObjectBuilder().add("key", op.key());
      if (op instanceof Txn.Delete) {
        r.add("deleted", wrote ? 1 : 0);
      }
      if (wrote) {
        r.add("modRevision", next.revision());
        KeyValueJson.withPrev(r, next.prevKv());
        next = events.hasNext() ? events.next() : null;
      }
      responses.add(JSON.createObjectBuilder().add(op instanceof Txn.Put ? "put" : "delete", r));
    }
    return KeyValueJson.envelope(result.revision())
        .add("succeeded", result.succeeded())
        .add("responses", responses)
        .build();
  }
}
