package io.keywatch.admin.kv;

import static io.keywatch.admin.kv.KeyValueJson.answer;
import static io.keywatch.admin.kv.KeyValueJson.envelope;
import static io.keywatch.admin.kv.KeyValueJson.fields;
import static io.keywatch.admin.kv.KeyValueJson.withPrev;
import static io.keywatch.config.JsonSupport.JSON;

import io.keywatch.admin.problems.Problems;
import io.keywatch.kv.DeleteResult;
import io.keywatch.kv.KeyValue;
import io.keywatch.kv.PutResult;
import io.keywatch.kv.Range;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.ws.rs.core.Response;

/** The HTTP answers of reads and writes of keys, shared by {@code /kv} and {@code /routes}. */
public final class KvAnswers {

  private KvAnswers() {}

  /** 200 with the key's row and its ETag, or a 404 problem; both carry the store revision. */
  public static Response get(String key, KeyReads.One read) {
    if (read.kv().isEmpty()) {
      return notFound(key, read.at(), read.revision());
    }
    KeyValue kv = read.kv().get();
    return answer(
            200, fields(kv, envelope(read.revision()).add("key", key)).build(), read.revision())
        .tag(KeyValueJson.etag(kv))
        .build();
  }

  /** 404 problem, with the store revision the read was made at in its header too. */
  private static Response notFound(String key, long at, long revision) {
    return Problems.notFound(key, at)
        .toResponseBuilder()
        .header(KeyValueJson.REVISION_HEADER, revision)
        .build();
  }

  /** {@code {"header":..., "count":n, "kvs":[...]}}, etcd's range answer. */
  public static Response list(Range range) {
    return list(range, false);
  }

  /** The same; {@code asStored}: the values as stored, for the feed key only. */
  public static Response list(Range range, boolean asStored) {
    JsonArrayBuilder kvs = JSON.createArrayBuilder();
    range.kvs().forEach(kv -> kvs.add(KeyValueJson.kv(kv, asStored)));
    return answer(
            200,
            envelope(range.revision()).add("count", range.kvs().size()).add("kvs", kvs).build(),
            range.revision())
        .build();
  }

  /** Every row still kept, oldest first; 404 problem if none. */
  public static Response history(String key, KeyReads.History h) {
    if (h.rows().isEmpty()) {
      return notFound(key, h.revision(), h.revision());
    }
    JsonArrayBuilder rows = JSON.createArrayBuilder();
    h.rows().forEach(kv -> rows.add(fields(kv, JSON.createObjectBuilder())));
    return answer(
            200,
            envelope(h.revision())
                .add("key", key)
                .add("compactRevision", h.compactRevision())
                .add("history", rows)
                .build(),
            h.revision())
        .build();
  }

  /** 201 when the put created the key, else 200; the new row, its ETag, and {@code prevKv}. */
  public static Response put(PutResult r) {
    return put(r, Values.render(r.kv().key(), r.kv().value()));
  }

  /** The same, with the value written already as JSON (a route the caller has just encoded). */
  public static Response put(PutResult r, JsonValue value) {
    JsonObjectBuilder body =
        withPrev(
            fields(r.kv(), value, envelope(r.revision()).add("key", r.kv().key())), r.prevKv());
    return answer(KeyValueJson.hadValue(r.prevKv()) ? 200 : 201, body.build(), r.revision())
        .tag(KeyValueJson.etag(r.kv()))
        .build();
  }

  /** 200 with the deleted value ({@code prevKv}) and the tombstone's revision. */
  public static Response delete(DeleteResult r) {
    JsonObjectBuilder body =
        withPrev(
            envelope(r.revision()).add("key", r.tombstone().key()).add("deleted", 1), r.prevKv());
    return answer(200, body.build(), r.revision()).build();
  }
}
