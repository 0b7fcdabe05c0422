package io.keywatch.proxy.feed;

import io.keywatch.kv.KeyValue;
import io.keywatch.kv.KvEvent;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * The admin API's JSON of a key-value and of a watch event, read back into the store's types. A
 * value comes as the admin renders it to the feed key: a route, an upstream or an ssl object as its
 * JSON object (whose text is the stored one, private key included), anything else as a base64
 * string of its bytes.
 */
final class EventJson {

  private EventJson() {}

  /** A change event's data: {@code {type, kv, prevKv, txnRevision}}. */
  static KvEvent event(JsonObject data) {
    KeyValue kv = kv(data.getJsonObject("kv"));
    KeyValue prev = data.containsKey("prevKv") ? kv(data.getJsonObject("prevKv")) : null;
    return KvEvent.of(kv, prev, data.getJsonNumber("txnRevision").longValue());
  }

  static KeyValue kv(JsonObject o) {
    return new KeyValue(
        o.getString("key"),
        o.getBoolean("deleted", false) ? null : value(o.get("value")),
        o.getJsonNumber("createRevision").longValue(),
        o.getJsonNumber("modRevision").longValue(),
        o.getJsonNumber("version").longValue(),
        Instant.parse(o.getString("createdAt")),
        o.containsKey("lease") ? o.getJsonNumber("lease").longValue() : 0);
  }

  private static byte[] value(JsonValue v) {
    if (v instanceof JsonString s) {
      return Base64.getDecoder().decode(s.getString());
    }
    return v.toString().getBytes(StandardCharsets.UTF_8);
  }
}
