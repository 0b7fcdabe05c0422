package io.keywatch.admin.kv;

import static io.keywatch.config.JsonSupport.JSON;

import io.keywatch.kv.KeyValue;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The JSON shapes of the API, after etcd's: every answer starts with {@code
 * "header":{"revision":R}} (the store revision) and carries it in {@code X-Keywatch-Revision}; a
 * key-value shows etcd's per-key fields ({@code lease} only when the key is attached to one).
 *
 * <pre>
 * {"key":"/routes/foo","value":{...},"createRevision":8,"modRevision":10,"version":2,"createdAt":"..."}
 * </pre>
 */
public final class KeyValueJson {

  public static final String REVISION_HEADER = "X-Keywatch-Revision";

  private KeyValueJson() {}

  /** A body that starts with the header of store revision {@code revision}. */
  public static JsonObjectBuilder envelope(long revision) {
    return JSON.createObjectBuilder()
        .add("header", JSON.createObjectBuilder().add("revision", revision));
  }

  /** One key's row; a tombstone has no value, version 0 and {@code "deleted":true}. */
  public static JsonObjectBuilder kv(KeyValue kv) {
    return kv(kv, false);
  }

  /**
   * The same; {@code asStored}: the value as stored, private keys included (for the feed key only,
   * see {@link Values#renderStored}).
   */
  public static JsonObjectBuilder kv(KeyValue kv, boolean asStored) {
    JsonObjectBuilder b = JSON.createObjectBuilder().add("key", kv.key());
    if (!asStored) {
      return fields(kv, b);
    }
    return fields(kv, kv.isTombstone() ? null : Values.renderStored(kv.key(), kv.value()), b);
  }

  /** The row's fields without its key, added to {@code b}. */
  public static JsonObjectBuilder fields(KeyValue kv, JsonObjectBuilder b) {
    return fields(kv, kv.isTombstone() ? null : Values.render(kv.key(), kv.value()), b);
  }

  /** The same, with the row's value already as JSON (null for a tombstone). */
  public static JsonObjectBuilder fields(KeyValue kv, JsonValue value, JsonObjectBuilder b) {
    if (kv.isTombstone()) {
      b.add("deleted", true);
    } else {
      b.add("value", value);
    }
    b.add("createRevision", kv.createRevision())
        .add("modRevision", kv.modRevision())
        .add("version", kv.version())
        .add("createdAt", kv.createdAt().toString());
    return kv.lease() == 0 ? b : b.add("lease", kv.lease());
  }

  /**
   * Adds {@code prevKv} when the key had a live value before; as in etcd, a key put again after a
   * delete has none (its previous row is the tombstone).
   */
  public static JsonObjectBuilder withPrev(JsonObjectBuilder b, KeyValue prev) {
    return withPrev(b, prev, false);
  }

  /** The same, the previous value rendered as {@link #kv(KeyValue, boolean)} does. */
  public static JsonObjectBuilder withPrev(JsonObjectBuilder b, KeyValue prev, boolean asStored) {
    return hadValue(prev) ? b.add("prevKv", kv(prev, asStored)) : b;
  }

  /** Whether a write's previous row was a live value (not absent, not a tombstone). */
  public static boolean hadValue(KeyValue prev) {
    return prev != null && !prev.isTombstone();
  }

  /** A JSON answer carrying the store revision in its header too. */
  public static Response.ResponseBuilder answer(int status, JsonObject body, long revision) {
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(body.toString())
        .header(REVISION_HEADER, revision);
  }

  /** The ETag of a key's row: its mod revision, what {@code If-Match} compares with. */
  public static EntityTag etag(KeyValue kv) {
    return new EntityTag(Long.toString(kv.modRevision()));
  }
}
