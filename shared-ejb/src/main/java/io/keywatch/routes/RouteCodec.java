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
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads and writes route documents, with every check a route must pass. The admin API validates
 * with it before writing; the proxy reads with it, so what one accepts the other understands.
 *
 * <pre>
 * {"uri": "/get", "upstream": "http://127.0.0.1:8080", "methods": ["GET"], "host": "a.example", "timeout": 5,
 *   "enable_websocket": true, "tls": {"verify": false}, "priority": 1,
 *   "plugins": {"proxy-rewrite": {"regex_uri": ["^/api/(.*)", "/$1"], "host": "b.example"}}}</pre>
 *
 * The upstream is a URL, an upstream object ({@link UpstreamCodec}), or {@code "upstream_id"}
 * naming one stored under {@code /upstreams/}: exactly one of {@code upstream} and {@code
 * upstream_id}. As in APISIX, {@code uris} may stand for {@code uri} and {@code hosts} for {@code
 * host} (one of each pair); the canonical form writes the singular when there is one.
 */
public final class RouteCodec {

  public static final String PREFIX = "/routes/";
  private static final String PROXY_REWRITE = "proxy-rewrite";

  private static final Set<String> FIELDS =
      Set.of(
          "uri",
          "upstream",
          "upstream_id",
          "methods",
          "host",
          "timeout",
          "enable_websocket",
          "tls",
          "uris",
          "hosts",
          "priority",
          "plugins");
  private static final Set<String> REWRITE_FIELDS = Set.of("uri", "regex_uri", "host");
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.~-]{1,64}");
  private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*");
  private static final Pattern HOST =
      Pattern.compile(
          "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
  private static final Pattern HOST_AND_PORT =
      Pattern.compile(
          HOST.pattern()
              + "(:([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?");

  /** What a path is made of besides letters, digits and percent-encodings (RFC 3986 pchar, '/'). */
  private static final Pattern PATH_TEXT =
      Pattern.compile("([A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-Fa-f]{2})*");

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
                + " enable_websocket, tls, uris, hosts, priority, plugins)");
      }
    }
    List<String> uris = uris(o, problems);
    UpstreamRef upstream = upstream(o, problems);
    Set<String> methods = methods(o, problems);
    List<String> hosts = hosts(o, problems);
    Duration timeout = timeout(o, problems);
    JsonValue.ValueType websocket =
        o.getOrDefault("enable_websocket", JsonValue.FALSE).getValueType();
    if (websocket != JsonValue.ValueType.TRUE && websocket != JsonValue.ValueType.FALSE) {
      problems.add("enable_websocket must be true or false");
    }
    boolean verifyTls = verifyTls(o, "", problems);
    int priority = priority(o, problems);
    ProxyRewrite rewrite = plugins(o, problems);
    if (!problems.isEmpty()) {
      throw new InvalidRouteException(problems);
    }
    return new Route(
        uris,
        upstream,
        methods,
        hosts,
        Optional.ofNullable(timeout),
        websocket == JsonValue.ValueType.TRUE,
        verifyTls,
        priority,
        Optional.ofNullable(rewrite));
  }

  public static JsonObject toJson(Route r) {
    JsonObjectBuilder b = JSON.createObjectBuilder();
    if (r.uris().size() == 1) {
      b.add("uri", r.uris().get(0));
    } else {
      b.add("uris", array(r.uris()));
    }
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
    if (r.hosts().size() == 1) {
      b.add("host", r.hosts().get(0));
    } else if (!r.hosts().isEmpty()) {
      b.add("hosts", array(r.hosts()));
    }
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
    if (r.priority() != 0) {
      b.add("priority", r.priority());
    }
    r.rewrite()
        .ifPresent(
            rw -> b.add("plugins", JSON.createObjectBuilder().add(PROXY_REWRITE, rewriteJson(rw))));
    return b.build();
  }

  private static JsonObjectBuilder rewriteJson(ProxyRewrite rw) {
    JsonObjectBuilder b = JSON.createObjectBuilder();
    rw.uri().ifPresent(u -> b.add("uri", u));
    if (!rw.regexUri().isEmpty()) {
      JsonArrayBuilder pairs = JSON.createArrayBuilder();
      rw.regexUri().forEach(p -> pairs.add(p.regex().source()).add(p.template().source()));
      b.add("regex_uri", pairs);
    }
    rw.host().ifPresent(h -> b.add("host", h));
    return b;
  }

  private static JsonArrayBuilder array(List<String> strings) {
    JsonArrayBuilder a = JSON.createArrayBuilder();
    strings.forEach(a::add);
    return a;
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

  /** {@code uri} or {@code uris}: exactly one, each a path or a prefix, none twice. */
  private static List<String> uris(JsonObject o, List<String> problems) {
    boolean one = present(o, "uri");
    if (one == present(o, "uris")) {
      problems.add(one ? "uri and uris exclude each other: give one" : "uri (or uris) is required");
      return List.of();
    }
    List<String> uris = one ? single(o, "uri", problems) : list(o, "uris", problems);
    for (String uri : uris) {
      if (!validUri(uri)) {
        problems.add(
            "uri must be a path starting with '/' (a prefix ends with '/*'), without query or"
                + " spaces: "
                + uri);
      }
    }
    return uris;
  }

  /** {@code host} or {@code hosts}, or neither: each a name or {@code *.} and a name. */
  private static List<String> hosts(JsonObject o, List<String> problems) {
    boolean one = present(o, "host");
    if (one && present(o, "hosts")) {
      problems.add("host and hosts exclude each other: give one");
      return List.of();
    }
    if (!one && !present(o, "hosts")) {
      return List.of();
    }
    List<String> hosts = one ? single(o, "host", problems) : list(o, "hosts", problems);
    Set<String> seen = new HashSet<>();
    for (String host : hosts) {
      String name = Route.isWildcard(host) ? host.substring(2) : host;
      if (!HOST.matcher(name).matches()) {
        problems.add(
            "host must be a host name without port, or *. and a name (*.example.com): " + host);
      } else if (!seen.add(host.toLowerCase(Locale.ROOT))) {
        problems.add("hosts: " + host + " is given twice");
      }
    }
    return hosts;
  }

  private static boolean present(JsonObject o, String field) {
    return o.containsKey(field) && o.get(field) != JsonValue.NULL;
  }

  private static List<String> single(JsonObject o, String field, List<String> problems) {
    String s = string(o, field, true, problems);
    return s == null ? List.of() : List.of(s);
  }

  /** A non-empty array of strings, none twice (APISIX's minItems 1 and uniqueItems). */
  private static List<String> list(JsonObject o, String field, List<String> problems) {
    JsonValue v = o.get(field);
    if (!(v instanceof JsonArray a) || a.isEmpty()) {
      problems.add(field + " must be a non-empty array of strings");
      return List.of();
    }
    Set<String> items = new LinkedHashSet<>();
    for (JsonValue item : a) {
      if (!(item instanceof JsonString s)) {
        problems.add(field + ": " + item + " is not a string");
      } else if (!items.add(s.getString())) {
        problems.add(field + ": " + s.getString() + " is given twice");
      }
    }
    return List.copyOf(items);
  }

  private static int priority(JsonObject o, List<String> problems) {
    JsonValue v = o.get("priority");
    if (v == null || v == JsonValue.NULL) {
      return 0;
    }
    if (!(v instanceof JsonNumber n)
        || !n.isIntegral()
        || n.bigDecimalValue().abs().compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
      problems.add("priority must be an integer from -2147483647 to 2147483647");
      return 0;
    }
    return n.intValue();
  }

  /** {@code plugins}: only {@code proxy-rewrite} is known; an empty object is no plugin. */
  private static ProxyRewrite plugins(JsonObject o, List<String> problems) {
    JsonValue v = o.get("plugins");
    if (v == null || v == JsonValue.NULL) {
      return null;
    }
    if (!(v instanceof JsonObject plugins)) {
      problems.add("plugins must be an object of plugin name to configuration");
      return null;
    }
    for (String name : plugins.keySet()) {
      if (!name.equals(PROXY_REWRITE)) {
        problems.add("plugins: '" + name + "' is not supported (supported: proxy-rewrite)");
      }
    }
    JsonValue conf = plugins.get(PROXY_REWRITE);
    return conf == null ? null : proxyRewrite(conf, problems);
  }

  private static ProxyRewrite proxyRewrite(JsonValue v, List<String> problems) {
    String where = "plugins.proxy-rewrite";
    if (!(v instanceof JsonObject o) || o.isEmpty()) {
      problems.add(where + " must be an object with uri, regex_uri or host");
      return null;
    }
    int before = problems.size();
    for (String field : o.keySet()) {
      if (!REWRITE_FIELDS.contains(field)) {
        problems.add(where + ": unknown field '" + field + "' (known: uri, regex_uri, host)");
      }
    }
    if (present(o, "uri") && present(o, "regex_uri")) {
      // APISIX would take uri and never use regex_uri: a mistake, said so rather than kept
      problems.add(where + ": uri and regex_uri exclude each other: give one");
    }
    String uri = string(o, "uri", where + ".uri", false, problems);
    if (uri != null && !validRewritePath(uri)) {
      problems.add(
          where
              + ".uri must be a path starting with '/' of RFC 3986 characters and"
              + " percent-encodings, without '$' (no variables), query or . and .. segments: "
              + uri);
    }
    List<ProxyRewrite.RegexUri> regexUri = regexUri(o, where, problems);
    String host = string(o, "host", where + ".host", false, problems);
    if (host != null && !HOST_AND_PORT.matcher(host).matches()) {
      problems.add(where + ".host must be a host name with an optional port: " + host);
    }
    if (problems.size() > before) {
      return null;
    }
    return new ProxyRewrite(Optional.ofNullable(uri), regexUri, Optional.ofNullable(host));
  }

  /**
   * {@code regex_uri}: pairs of expression and template, each expression compiled and each template
   * checked here, once, so the gateway never meets a bad one.
   */
  private static List<ProxyRewrite.RegexUri> regexUri(
      JsonObject o, String where, List<String> problems) {
    JsonValue v = o.get("regex_uri");
    if (v == null || v == JsonValue.NULL) {
      return List.of();
    }
    String field = where + ".regex_uri";
    if (!(v instanceof JsonArray a)
        || a.isEmpty()
        || a.size() % 2 != 0
        || !a.stream().allMatch(JsonString.class::isInstance)) {
      problems.add(
          field + " must be an array of strings, pairs of a regular expression and a template");
      return List.of();
    }
    List<ProxyRewrite.RegexUri> pairs = new ArrayList<>();
    for (int i = 0; i < a.size(); i += 2) {
      String source = a.getString(i);
      String template = a.getString(i + 1);
      Regex regex;
      try {
        regex = new Regex(source);
      } catch (PatternSyntaxException e) {
        problems.add(field + ": " + source + " is not a regular expression: " + e.getDescription());
        continue;
      }
      try {
        Template t = Template.parse(template, regex.pattern().matcher("").groupCount());
        if (!t.literals().stream().allMatch(l -> PATH_TEXT.matcher(l).matches())) {
          problems.add(
              field
                  + ": the template "
                  + template
                  + " may hold only RFC 3986 path characters and percent-encodings besides $N");
        } else {
          pairs.add(new ProxyRewrite.RegexUri(regex, t));
        }
      } catch (IllegalArgumentException e) {
        problems.add(field + ": the template " + template + ": " + e.getMessage());
      }
    }
    return pairs;
  }

  /** A path the gateway may send as it is: what a client's own path must be, see RequestSyntax. */
  private static boolean validRewritePath(String path) {
    if (!path.startsWith("/") || path.indexOf('$') >= 0 || !PATH_TEXT.matcher(path).matches()) {
      return false;
    }
    for (String segment : path.split("(?i)/|;|%2f|%5c", -1)) {
      String dots = segment.replaceAll("(?i)%2e", ".");
      if (dots.equals(".") || dots.equals("..")) {
        return false;
      }
    }
    return true;
  }

  private static String string(
      JsonObject o, String field, boolean required, List<String> problems) {
    return string(o, field, field, required, problems);
  }

  /** The string {@code field} of {@code o}; {@code name} is what a problem calls it. */
  private static String string(
      JsonObject o, String field, String name, boolean required, List<String> problems) {
    JsonValue v = o.get(field);
    if (v == null || v == JsonValue.NULL) {
      if (required) {
        problems.add(name + " is required");
      }
      return null;
    }
    if (!(v instanceof JsonString s)) {
      problems.add(name + " must be a string");
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
