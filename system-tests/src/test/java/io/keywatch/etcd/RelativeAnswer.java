package io.keywatch.etcd;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.Comparator;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An etcdctl answer made comparable between two stores: revisions relative to the store's revision
 * when the session began, and what names the server (cluster and member ids, raft term, the
 * endpoint's port) replaced by placeholders. JSON lines are rewritten field by field; other lines
 * only where they print a revision.
 */
final class RelativeAnswer {

  private static final Set<String> REVISIONS =
      Set.of("revision", "create_revision", "mod_revision", "compact_revision", "CompactRevision");
  private static final Set<String> SERVER_IDS =
      Set.of("cluster_id", "member_id", "raft_term", "ID", "leader");
  private static final Pattern COMPACTED = Pattern.compile("compacted revision (\\d+)");
  private static final Pattern TOOK = Pattern.compile("took = \\S+");

  private RelativeAnswer() {}

  static String of(String output, long base, String endpoint) {
    return of(output, base, endpoint, Set.of());
  }

  /** As {@link #of(String, long, String)}, leaving out the JSON fields named in {@code ignored}. */
  static String of(String output, long base, String endpoint, Set<String> ignored) {
    return output
        .lines()
        .map(l -> l.replace(endpoint, "<endpoint>"))
        .map(l -> l.startsWith("{") || l.startsWith("[") ? json(l, base, ignored) : text(l, base))
        .collect(Collectors.joining("\n"));
  }

  private static String text(String line, long base) {
    Matcher m = COMPACTED.matcher(line);
    String s =
        m.find()
            ? m.replaceFirst("compacted revision +" + (Long.parseLong(m.group(1)) - base))
            : line;
    return TOOK.matcher(s).replaceAll("took = <time>");
  }

  private static String json(String line, long base, Set<String> ignored) {
    try (var reader = Json.createReader(new StringReader(line))) {
      return relative(reader.readValue(), base, null, ignored).toString();
    }
  }

  private static JsonValue relative(JsonValue v, long base, String name, Set<String> ignored) {
    switch (v.getValueType()) {
      case OBJECT -> {
        JsonObjectBuilder b = Json.createObjectBuilder();
        ((JsonObject) v)
            .forEach(
                (k, x) -> {
                  if (SERVER_IDS.contains(k)) {
                    b.add(k, "<server>");
                  } else if (!ignored.contains(k)) {
                    b.add(k, relative(x, base, k, ignored));
                  }
                });
        return b.build();
      }
      case ARRAY -> {
        JsonArrayBuilder b = Json.createArrayBuilder();
        Stream<JsonValue> items =
            v.asJsonArray().stream().map(x -> relative(x, base, name, ignored));
        if ("keys".equals(name)) {
          // a lease's keys: etcd lists them from a Go map, in an order that changes run to run
          items = items.sorted(Comparator.comparing(JsonValue::toString));
        }
        items.forEach(b::add);
        return b.build();
      }
      case NUMBER -> {
        long n = ((JsonNumber) v).longValue();
        return REVISIONS.contains(name) && n > 0 ? Json.createValue("+" + (n - base)) : v;
      }
      case STRING -> {
        // the JSON gateway prints int64 as strings
        String text = ((JsonString) v).getString();
        return REVISIONS.contains(name) && text.matches("\\d+")
            ? Json.createValue("+" + (Long.parseLong(text) - base))
            : v;
      }
      default -> {
        return v;
      }
    }
  }
}
