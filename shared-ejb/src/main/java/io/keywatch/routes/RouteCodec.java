package io.keywatch.routes;

import static io.keywatch.config.JsonSupport.JSON;

import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and writes route documents, with every check a route must pass. The admin API validates
 * with it before writing; the proxy reads with it, so what one accepts the other understands.
 *
 * <pre>
 * {"uri": "/get", "upstream": "http://127.0.0.1:8080", "methods": ["GET"], "host": "a.example", "timeout": 5,
 *   "enable_websocket": true, "tls": {"verify": false}}</pre>
 *
 * The upstream is a URL, an upstream object ({@link UpstreamCodec}), or {@code "upstream_id"}
 * naming one stored under {@code /upstreams/}: exactly one of {@code upstream} and {@code
 * upstream_id}.
 */
public final class RouteCodec {

  public static final String PREFIX = "/routes/";

  private static final Set<String> FIELDS =
      Set.of(
          "uri",
          "upstream",
          "upstream_id",
          "methods",
          "host",
          "timeout",
          "enable_websocket",
          "tls");
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.~-]{1,64}");
  private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*");
  private static final Pattern HOST =
      Pattern.compile(
          "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
  private static final BigDecimal MAX_TIMEOUT_SECONDS = BigDecimal.valueOf(3600);

  private RouteCodec() {}

  /** A route id: 1 to 64 of {@code A-Z a-z 0-9 _ . ~ -}, not "." or "..". */
  public static String requireId(String id) {
    if (id == null || !ID.matcher(id).matches() || id.equals(".") || id.equals("..")) {
      throw new InvalidRouteException(
          List.of("id must be 1 to 64 of A-Z a-z 0-9 _ . ~ - (and not . or ..)"));
    }
    return id;
  }

  /**
   * Parses and checks a route document; throws {@link InvalidRouteException} with every problem.
   */
  public static Route parse(byte[] json) {
    JsonValue v = read(json);
    if (v.getValueType() != JsonValue.ValueType.OBJECT) {
      throw new InvalidRouteException(List.of("a route must be a JSON object"));
    }
    JsonObject o = v.asJsonObject();
    List<String> problems = new ArrayList<>();
    for (String field : o.keySet()) {
      if (!FIELDS.contains(field)) {
        problems.add(
            "unknown field '"
                + field
                + "' (known: uri, upstream, upstream_id, methods, host, timeout,"
                + " enable_websocket, tls)");
      }
    }
    String uri = string(o, "uri", true, problems);
    if (uri != null && !validUri(uri)) {
      problems.add(
          "uri must be a path starting with '/' (a prefix ends with '/*'), without query or spaces: "
              + uri);
    }
    UpstreamRef upstream = upstream(o, problems);
    Set<String> methods = methods(o, problems);
    String host = string(o, "host", false, problems);
    if (host != null && !HOST.matcher(host).matches()) {
      problems.add("host must be a host name without port: " + host);
    }
    Duration timeout = timeout(o, problems);
    JsonValue.ValueType websocket =
        o.getOrDefault("enable_websocket", JsonValue.FALSE).getValueType();
    if (websocket != JsonValue.ValueType.TRUE && websocket != JsonValue.ValueType.FALSE) {
      problems.add("enable_websocket must be true or false");
    }
    boolean verifyTls = verifyTls(o, "", problems);
    if (!problems.isEmpty()) {
      throw new InvalidRouteException(problems);
    }
    return new Route(
        uri,
        upstream,
        methods,
        Optional.ofNullable(host),
        Optional.ofNullable(timeout),
        websocket == JsonValue.ValueType.TRUE,
        verifyTls);
  }

  public static JsonObject toJson(Route r) {
    JsonObjectBuilder b = JSON.createObjectBuilder().add("uri", r.uri());
    if (r.upstream() instanceof UpstreamRef.Url u) {
      b.add("upstream", u.url().toString());
    } else if (r.upstream() instanceof UpstreamRef.Inline i) {
      b.add("upstream", UpstreamCodec.toJson(i.upstream()));
    } else if (r.upstream() instanceof UpstreamRef.Id id) {
      b.add("upstream_id", id.id());
    }
    if (!r.methods().isEmpty()) {
      JsonArrayBuilder a = JSON.createArrayBuilder();
      r.methods().stream().sorted().forEach(a::add);
      b.add("methods", a);
    }
    r.host().ifPresent(h -> b.add("host", h));
    r.timeout()
        .ifPresent(
            t ->
                b.add(
                    "timeout",
                    BigDecimal.valueOf(t.toMillis()).movePointLeft(3).stripTrailingZeros()));
    if (r.websocket()) {
      b.add("enable_websocket", true);
    }
    if (!r.verifyTls()) {
      b.add("tls", JSON.createObjectBuilder().add("verify", false));
    }
    return b.build();
  }

  public static byte[] toBytes(Route r) {
    return toJson(r).toString().getBytes(StandardCharsets.UTF_8);
  }

  private static boolean validUri(String uri) {
    if (!PATH.matcher(uri).matches()) {
      return false;
    }
    int star = uri.indexOf('*');
    return star < 0 || (star == uri.length() - 1 && uri.endsWith("/*"));
  }

  private static String string(
      JsonObject o, String field, boolean required, List<String> problems) {
    JsonValue v = o.get(field);
    if (v == null || v == JsonValue.NULL) {
      if (required) {
        problems.add(field + " is required");
      }
      return null;
    }
    if (!(v instanceof JsonString s)) {
      problems.add(field + " must be a string");
      return null;
    }
    return s.getString();
  }

  /** The JSON value of a document; malformed JSON is an {@link InvalidRouteException}. */
  static JsonValue read(byte[] json) {
    try (var reader = JSON.createReader(new ByteArrayInputStream(json))) {
      return reader.readValue();
    } catch (JsonParsingException e) {
      throw new InvalidRouteException(List.of("malformed JSON: " + e.getMessage()));
    } catch (jakarta.json.JsonException e) {
      throw new InvalidRouteException(List.of("malformed JSON: " + e.getMessage()));
    }
  }

  private static UpstreamRef upstream(JsonObject o, List<String> problems) {
    JsonValue inline = o.get("upstream");
    boolean hasId = o.containsKey("upstream_id") && o.get("upstream_id") != JsonValue.NULL;
    if (hasId) {
      if (inline != null && inline != JsonValue.NULL) {
        problems.add("upstream and upstream_id exclude each other: give one");
        return null;
      }
      JsonValue id = o.get("upstream_id");
      // APISIX's examples give ids as numbers too ("upstream_id": 1)
      String s =
          id instanceof JsonString str
              ? str.getString()
              : id instanceof JsonNumber n && n.isIntegral() ? n.toString() : null;
      if (s == null || !ID.matcher(s).matches() || s.equals(".") || s.equals("..")) {
        problems.add("upstream_id must be an id of 1 to 64 of A-Z a-z 0-9 _ . ~ -: " + id);
        return null;
      }
      return new UpstreamRef.Id(s);
    }
    if (inline instanceof JsonObject) {
      Upstream u = UpstreamCodec.parse(inline, "upstream.", problems);
      return u == null ? null : new UpstreamRef.Inline(u);
    }
    if (inline == null || inline == JsonValue.NULL) {
      problems.add("upstream (a URL or an upstream object) or upstream_id is required");
      return null;
    }
    if (!(inline instanceof JsonString str)) {
      problems.add("upstream must be a URL string or an upstream object");
      return null;
    }
    URI url = url(str.getString(), problems);
    return url == null ? null : new UpstreamRef.Url(url);
  }

  private static URI url(String s, List<String> problems) {
    try {
      URI u = new URI(s);
      if (!u.isAbsolute()
          || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
          || u.getHost() == null
          || u.getRawQuery() != null
          || u.getRawFragment() != null
          || u.getRawUserInfo() != null) {
        problems.add(
            "upstream must be an absolute http(s) URL with a host and no query, fragment or user: "
                + s);
        return null;
      }
      return u;
    } catch (URISyntaxException e) {
      problems.add("upstream is not a URL: " + e.getMessage());
      return null;
    }
  }

  private static Set<String> methods(JsonObject o, List<String> problems) {
    JsonValue v = o.get("methods");
    if (v == null || v == JsonValue.NULL) {
      return Set.of();
    }
    if (!(v instanceof JsonArray a)) {
      problems.add("methods must be an array of HTTP methods");
      return Set.of();
    }
    Set<String> methods = new LinkedHashSet<>();
    for (JsonValue m : a) {
      if (m instanceof JsonString s && METHODS.contains(s.getString())) {
        methods.add(s.getString());
      } else {
        problems.add("methods: " + m + " is not one of " + new java.util.TreeSet<>(METHODS));
      }
    }
    return methods;
  }

  /**
   * {@code "tls": {"verify": false}} turns verification off; absent, it is on. Routes and upstream
   * objects take it alike; a problem is named with {@code where} before the field.
   */
  static boolean verifyTls(JsonObject o, String where, List<String> problems) {
    JsonValue v = o.get("tls");
    if (v == null || v == JsonValue.NULL) {
      return true;
    }
    JsonValue verify = v instanceof JsonObject tls ? tls.get("verify") : null;
    if (verify == null
        || v.asJsonObject().size() != 1
        || !(verify.getValueType() == JsonValue.ValueType.TRUE
            || verify.getValueType() == JsonValue.ValueType.FALSE)) {
      problems.add(where + "tls must be an object {\"verify\": true or false}");
      return true;
    }
    return verify.getValueType() == JsonValue.ValueType.TRUE;
  }

  private static Duration timeout(JsonObject o, List<String> problems) {
    JsonValue v = o.get("timeout");
    if (v == null || v == JsonValue.NULL) {
      return null;
    }
    if (!(v instanceof JsonNumber n)
        || n.bigDecimalValue().signum() <= 0
        || n.bigDecimalValue().compareTo(MAX_TIMEOUT_SECONDS) > 0) {
      problems.add("timeout must be a number of seconds above 0 and at most 3600");
      return null;
    }
    return Duration.ofMillis(n.bigDecimalValue().movePointRight(3).longValue());
  }
}
