package io.keywatch.admin.etcd;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.Map;
import java.util.Optional;

/**
 * The one thing protobuf's JSON parser forgives that etcd's gateway refuses: a number where bytes
 * (base64 text) belong, e.g. {@code {"key":12}}. Found before parsing, so such a request reads and
 * writes nothing.
 */
final class StrictJson {

  private StrictJson() {}

  /** The first field holding bytes as something other than a string, if any. */
  static Optional<String> misTypedBytes(JsonElement json, Descriptor type) {
    if (!json.isJsonObject()) {
      return Optional.empty();
    }
    for (Map.Entry<String, JsonElement> e : ((JsonObject) json).entrySet()) {
      FieldDescriptor field = field(type, e.getKey());
      if (field == null || e.getValue().isJsonNull()) {
        continue;
      }
      if (field.getType() == FieldDescriptor.Type.BYTES
          && !field.isRepeated()
          && !(e.getValue().isJsonPrimitive() && e.getValue().getAsJsonPrimitive().isString())) {
        return Optional.of(field.getName());
      }
      if (field.getType() == FieldDescriptor.Type.MESSAGE && !field.isRepeated()) {
        Optional<String> inner = misTypedBytes(e.getValue(), field.getMessageType());
        if (inner.isPresent()) {
          return inner;
        }
      }
    }
    return Optional.empty();
  }

  private static FieldDescriptor field(Descriptor type, String name) {
    FieldDescriptor f = type.findFieldByName(name);
    if (f != null) {
      return f;
    }
    return type.getFields().stream()
        .filter(x -> x.getJsonName().equals(name))
        .findFirst()
        .orElse(null);
  }
}
