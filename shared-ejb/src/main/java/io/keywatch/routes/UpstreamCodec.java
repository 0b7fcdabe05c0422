package io.keywatch.routes;

import static io.keywatch.config.JsonSupport.JSON;

import io.keywatch.routes.Upstream.Active;
import io.keywatch.routes.Upstream.Checks;
import io.keywatch.routes.Upstream.HashOn;
import io.keywatch.routes.Upstream.Healthy;
import io.keywatch.routes.Upstream.Node;
import io.keywatch.routes.Upstream.PassHost;
import io.keywatch.routes.Upstream.Passive;
import io.keywatch.routes.Upstream.Timeouts;
import io.keywatch.routes.Upstream.Type;
import io.keywatch.routes.Upstream.Unhealthy;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads and writes upstream objects in APISIX's shape, with every check; used for {@code
 * /upstreams/{id}} and for a route's inline {@code "upstream": {...}}.
 *
 * <pre>
 * {"type": "roundrobin", "nodes": {"127.0.0.1:8080": 5, "127.0.0.1:8081": 1},
 *  "retries": 1, "timeout": {"connect": 1, "send": 5, "read": 5}, "pass_host": "node",
 *  "checks": {"active": {"http_path": "/health", "healthy": {"interval": 2, "successes": 1}}}}
 * </pre>
 *
 * {@code "tls": {"verify": false}} turns certificate checks off for every route that uses the
 * upstream, and for its active probes. Nodes are also taken as APISIX's array, {@code [{"host":
 * "127.0.0.1", "port": 8080, "weight": 5}]}; they are written back in that form.
 */
public final class UpstreamCodec {

  public static final String PREFIX = "/upstreams/";

  private static final Set<String> FIELDS =
      Set.of(
          "nodes",
          "type",
          "hash_on",
          "key",
          "scheme",
          "retries",
          "timeout",
          "pass_host",
          "upstream_host",
          "checks",
          "tls");
  private static final Set<String> VARS = Set.of("remote_addr", "uri", "host", "request_uri");
  private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");
  private static final Pattern HOST =
      Pattern.compile(
          "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");
  private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*");
  private static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(3600);
  private static final int MAX_WEIGHT = 1_000_000;

  private UpstreamCodec() {}

  /** Parses and checks a stored upstream document; throws with every problem. */
  public static Upstream parse(byte[] json) {
    JsonValue v = RouteCodec.read(json);
    List<String> problems = new ArrayList<>();
    Upstream u = parse(v, "", problems);
    if (!problems.isEmpty()) {
      throw new InvalidRouteException("upstream", problems);
    }
    return u;
  }

  /**
   * The upstream object {@code v}; adds every problem, each named with {@code where} (e.g. {@code
   * "upstream."}) before the field, and returns null if there is one.
   */
  static Upstream parse(JsonValue v, String where, List<String> problems) {
    if (!(v instanceof JsonObject o)) {
      problems.add(
          (where.isEmpty() ? "an upstream" : where.substring(0, where.length() - 1))
              + " must be a JSON object");
      return null;
    }
    int before = problems.size();
    Fields f = new Fields(o, where, problems);
    f.known(FIELDS);
    List<Node> nodes = nodes(o.get("nodes"), where + "nodes", problems);
    Type type = f.choice("type", Type.class, Type.ROUNDROBIN);
    HashOn hashOn = f.choice("hash_on", HashOn.class, HashOn.VARS);
    String key = f.string("key", "remote_addr");
    if (o.containsKey("hash_on") || o.containsKey("key")) {
      if (type != Type.CHASH) {
        problems.add(where + "hash_on and key are only for type chash");
      } else if (key != null && hashOn == HashOn.VARS && !VARS.contains(key)) {
        problems.add(
            where + "key with hash_on vars must be one of " + new TreeSet<>(VARS) + ": " + key);
      } else if (hashOn != HashOn.VARS && !o.containsKey("key")) {
        problems.add(
            where + "key (the header or cookie name) is required with hash_on " + hashOn.json());
      } else if (key != null && hashOn != HashOn.VARS && !HEADER_NAME.matcher(key).matches()) {
        problems.add(where + "key must be a header or cookie name: " + key);
      }
    }
    String scheme = f.string("scheme", "http");
    if (scheme != null && !scheme.equals("http") && !scheme.equals("https")) {
      problems.add(where + "scheme must be http or https: " + scheme);
    }
    OptionalInt retries = f.integer("retries", 0, 100);
    Timeouts timeout = timeouts(o.get("timeout"), where + "timeout", problems);
    PassHost passHost = f.choice("pass_host", PassHost.class, PassHost.PASS);
    String upstreamHost = f.string("upstream_host", null);
    if (passHost == PassHost.REWRITE && upstreamHost == null) {
      problems.add(where + "upstream_host is required with pass_host rewrite");
    }
    if (upstreamHost != null && passHost != PassHost.REWRITE) {
      problems.add(where + "upstream_host is only used with pass_host rewrite");
    }
    if (upstreamHost != null && !HOST.matcher(hostPart(upstreamHost)).matches()) {
      problems.add(
          where + "upstream_host must be a host name, with a port if any: " + upstreamHost);
    }
    Checks checks = checks(o.get("checks"), where + "checks", problems);
    boolean verifyTls = RouteCodec.verifyTls(o, where, problems);
    if (problems.size() > before) {
      return null;
    }
    int defaultPort = "https".equals(scheme) ? 443 : 80;
    return new Upstream(
        nodes.stream()
            .map(n -> n.port() == 0 ? new Node(n.host(), defaultPort, n.weight()) : n)
            .toList(),
        type,
        hashOn,
        key,
        scheme,
        retries,
        timeout,
        passHost,
        Optional.ofNullable(upstreamHost),
        checks,
        verifyTls);
  }

  public static JsonObject toJson(Upstream u) {
    JsonArrayBuilder nodes = JSON.createArrayBuilder();
    for (Node n : u.nodes()) {
      nodes.add(
          JSON.createObjectBuilder()
              .add("host", n.host())
              .add("port", n.port())
              .add("weight", n.weight()));
    }
    JsonObjectBuilder b =
        JSON.createObjectBuilder()
            .add("type", u.type().json())
            .add("nodes", nodes)
            .add("scheme", u.scheme())
            .add("pass_host", u.passHost().json());
    if (u.type() == Type.CHASH) {
      b.add("hash_on", u.hashOn().json()).add("key", u.key());
    }
    u.retries().ifPresent(r -> b.add("retries", r));
    Timeouts t = u.timeout();
    if (!t.equals(Timeouts.NONE)) {
      JsonObjectBuilder tb = JSON.createObjectBuilder();
      t.connect().ifPresent(d -> tb.add("connect", seconds(d)));
      t.send().ifPresent(d -> tb.add("send", seconds(d)));
      t.read().ifPresent(d -> tb.add("read", seconds(d)));
      b.add("timeout", tb);
    }
    u.upstreamHost().ifPresent(h -> b.add("upstream_host", h));
    if (!u.verifyTls()) {
      b.add("tls", JSON.createObjectBuilder().add("verify", false));
    }
    if (!u.checks().equals(Checks.DEFAULT)) {
      JsonObjectBuilder cb = JSON.createObjectBuilder();
      u.checks()
          .active()
          .ifPresent(
              a -> {
                JsonObjectBuilder ab =
                    JSON.createObjectBuilder()
                        .add("type", "http")
                        .add("timeout", seconds(a.timeout()))
                        .add("http_path", a.httpPath());
                a.host().ifPresent(h -> ab.add("host", h));
                a.port().ifPresent(p -> ab.add("port", p));
                cb.add(
                    "active",
                    ab.add("healthy", healthy(a.healthy(), true))
                        .add("unhealthy", unhealthy(a.unhealthy(), true)));
              });
      Passive p = u.checks().passive();
      cb.add(
          "passive",
          JSON.createObjectBuilder()
              .add("healthy", healthy(p.healthy(), false))
              .add("unhealthy", unhealthy(p.unhealthy(), false)));
      b.add("checks", cb);
    }
    return b.build();
  }

  public static byte[] toBytes(Upstream u) {
    return toJson(u).toString().getBytes(StandardCharsets.UTF_8);
  }

  private static JsonObjectBuilder healthy(Healthy h, boolean active) {
    JsonObjectBuilder b = JSON.createObjectBuilder();
    if (active) {
      b.add("interval", seconds(h.interval()));
    }
    return b.add("http_statuses", statuses(h.httpStatuses())).add("successes", h.successes());
  }

  private static JsonObjectBuilder unhealthy(Unhealthy u, boolean active) {
    JsonObjectBuilder b = JSON.createObjectBuilder();
    if (active) {
      b.add("interval", seconds(u.interval()));
    }
    return b.add("http_statuses", statuses(u.httpStatuses()))
        .add("http_failures", u.httpFailures())
        .add("tcp_failures", u.tcpFailures())
        .add("timeouts", u.timeouts());
  }

  private static JsonArrayBuilder statuses(Set<Integer> statuses) {
    JsonArrayBuilder a = JSON.createArrayBuilder();
    new TreeSet<>(statuses).forEach(a::add);
    return a;
  }

  static BigDecimal seconds(Duration d) {
    return BigDecimal.valueOf(d.toMillis()).movePointLeft(3).stripTrailingZeros();
  }

  private static List<Node> nodes(JsonValue v, String where, List<String> problems) {
    List<Node> nodes = new ArrayList<>();
    if (v == null || v == JsonValue.NULL) {
      problems.add(where + " is required");
    } else if (v instanceof JsonObject map) {
      // APISIX's {"host:port": weight}
      for (Map.Entry<String, JsonValue> e : map.entrySet()) {
        String address = e.getKey();
        int colon = address.lastIndexOf(':');
        boolean bracketed = address.startsWith("[");
        String host;
        Integer port = null;
        if (bracketed) {
          int close = address.indexOf(']');
          host = close < 0 ? address : address.substring(1, close);
          if (close >= 0 && close + 1 < address.length()) {
            port = address.charAt(close + 1) == ':' ? port(address.substring(close + 2)) : -1;
          }
        } else if (colon >= 0) {
          host = address.substring(0, colon);
          port = port(address.substring(colon + 1));
        } else {
          host = address;
        }
        int weight =
            e.getValue() instanceof JsonNumber n
                    && n.isIntegral()
                    && n.bigDecimalValue().signum() >= 0
                    && n.bigDecimalValue().compareTo(BigDecimal.valueOf(MAX_WEIGHT)) <= 0
                ? n.intValue()
                : -1;
        if (weight < 0) {
          problems.add(where + "." + address + " must be a weight from 0 to " + MAX_WEIGHT);
        }
        node(host, port, weight, where + "." + address, problems).ifPresent(nodes::add);
      }
    } else if (v instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        String at = where + "[" + i + "]";
        if (!(array.get(i) instanceof JsonObject n)) {
          problems.add(at + " must be an object {\"host\", \"port\", \"weight\"}");
          continue;
        }
        Fields f = new Fields(n, at + ".", problems);
        f.known(Set.of("host", "port", "weight"));
        String host = f.string("host", null);
        if (host == null) {
          problems.add(at + ".host is required");
          continue;
        }
        if (host.startsWith("[") && host.endsWith("]")) {
          host = host.substring(1, host.length() - 1);
        }
        OptionalInt port = f.integer("port", 1, 65535);
        OptionalInt weight = f.integer("weight", 0, MAX_WEIGHT);
        node(host, port.isPresent() ? port.getAsInt() : null, weight.orElse(1), at, problems)
            .ifPresent(nodes::add);
      }
    } else {
      problems.add(
          where
              + " must be an array of {\"host\", \"port\", \"weight\"} or an object {\"host:port\": weight}");
    }
    return nodes;
  }

  /** The node, or empty after adding a problem; a null port is the scheme's (0 until resolved). */
  private static Optional<Node> node(
      String host, Integer port, int weight, String where, List<String> problems) {
    boolean v6 = host.indexOf(':') >= 0;
    if (host.isEmpty() || (v6 ? !IPV6.matcher(host).matches() : !HOST.matcher(host).matches())) {
      problems.add(where + ": host must be a host name or an IP address: " + host);
      return Optional.empty();
    }
    if (port != null && (port < 1 || port > 65535)) {
      problems.add(where + ": port must be from 1 to 65535");
      return Optional.empty();
    }
    return weight < 0
        ? Optional.empty()
        : Optional.of(new Node(host, port == null ? 0 : port, weight));
  }

  private static int port(String s) {
    try {
      return s.isEmpty() || s.length() > 5 ? -1 : Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String hostPart(String hostAndPort) {
    int colon = hostAndPort.lastIndexOf(':');
    return colon > 0 && port(hostAndPort.substring(colon + 1)) > 0
        ? hostAndPort.substring(0, colon)
        : hostAndPort;
  }

  private static Timeouts timeouts(JsonValue v, String where, List<String> problems) {
    if (v == null || v == JsonValue.NULL) {
      return Timeouts.NONE;
    }
    if (!(v instanceof JsonObject o)) {
      problems.add(where + " must be an object {\"connect\", \"send\", \"read\"} of seconds");
      return Timeouts.NONE;
    }
    Fields f = new Fields(o, where + ".", problems);
    f.known(Set.of("connect", "send", "read"));
    return new Timeouts(
        Optional.ofNullable(f.seconds("connect", null)),
        Optional.ofNullable(f.seconds("send", null)),
        Optional.ofNullable(f.seconds("read", null)));
  }

  private static Checks checks(JsonValue v, String where, List<String> problems) {
    if (v == null || v == JsonValue.NULL) {
      return Checks.DEFAULT;
    }
    if (!(v instanceof JsonObject o)) {
      problems.add(where + " must be an object {\"active\", \"passive\"}");
      return Checks.DEFAULT;
    }
    new Fields(o, where + ".", problems).known(Set.of("active", "passive"));
    Optional<Active> active = Optional.empty();
    if (o.containsKey("active")) {
      active = Optional.ofNullable(active(o.get("active"), where + ".active", problems));
    }
    Passive passive = Passive.DEFAULT;
    if (o.containsKey("passive")) {
      passive = passive(o.get("passive"), where + ".passive", problems);
    }
    return new Checks(active, passive);
  }

  private static Active active(JsonValue v, String where, List<String> problems) {
    if (!(v instanceof JsonObject o)) {
      problems.add(where + " must be an object");
      return null;
    }
    Fields f = new Fields(o, where + ".", problems);
    f.known(Set.of("type", "timeout", "http_path", "host", "port", "healthy", "unhealthy"));
    String type = f.string("type", "http");
    if (type != null && !type.equals("http")) {
      problems.add(where + ".type must be http (the only active check this gateway runs)");
    }
    Duration timeout = f.seconds("timeout", Duration.ofSeconds(1));
    String path = f.string("http_path", "/");
    if (path != null && !PATH.matcher(path).matches()) {
      problems.add(where + ".http_path must be a path starting with '/': " + path);
    }
    String host = f.string("host", null);
    if (host != null && !HOST.matcher(host).matches()) {
      problems.add(where + ".host must be a host name: " + host);
    }
    OptionalInt port = f.integer("port", 1, 65535);
    Healthy healthy =
        healthy(
            o.get("healthy"),
            where + ".healthy",
            new Healthy(Duration.ofSeconds(1), Set.of(200, 302), 2),
            true,
            problems);
    Unhealthy unhealthy =
        unhealthy(
            o.get("unhealthy"),
            where + ".unhealthy",
            new Unhealthy(
                Duration.ofSeconds(1), Set.of(429, 404, 500, 501, 502, 503, 504, 505), 5, 2, 3),
            true,
            problems);
    return new Active(timeout, path, Optional.ofNullable(host), port, healthy, unhealthy);
  }

  private static Passive passive(JsonValue v, String where, List<String> problems) {
    if (!(v instanceof JsonObject o)) {
      problems.add(where + " must be an object");
      return Passive.DEFAULT;
    }
    Fields f = new Fields(o, where + ".", problems);
    f.known(Set.of("type", "healthy", "unhealthy"));
    String type = f.string("type", "http");
    if (type != null && !type.equals("http")) {
      problems.add(where + ".type must be http");
    }
    return new Passive(
        healthy(o.get("healthy"), where + ".healthy", Passive.DEFAULT.healthy(), false, problems),
        unhealthy(
            o.get("unhealthy"),
            where + ".unhealthy",
            Passive.DEFAULT.unhealthy(),
            false,
            problems));
  }

  private static Healthy healthy(
      JsonValue v, String where, Healthy defaults, boolean active, List<String> problems) {
    if (v == null || v == JsonValue.NULL) {
      return defaults;
    }
    if (!(v instanceof JsonObject o)) {
      problems.add(where + " must be an object");
      return defaults;
    }
    Fields f = new Fields(o, where + ".", problems);
    f.known(
        active
            ? Set.of("interval", "http_statuses", "successes")
            : Set.of("http_statuses", "successes"));
    return new Healthy(
        active ? f.seconds("interval", defaults.interval()) : defaults.interval(),
        f.statuses("http_statuses", defaults.httpStatuses()),
        f.integer("successes", 1, 254).orElse(defaults.successes()));
  }

  private static Unhealthy unhealthy(
      JsonValue v, String where, Unhealthy defaults, boolean active, List<String> problems) {
    if (v == null || v == JsonValue.NULL) {
      return defaults;
    }
    if (!(v instanceof JsonObject o)) {
      problems.add(where + " must be an object");
      return defaults;
    }
    Fields f = new Fields(o, where + ".", problems);
    f.known(
        active
            ? Set.of("interval", "http_statuses", "http_failures", "tcp_failures", "timeouts")
            : Set.of("http_statuses", "http_failures", "tcp_failures", "timeouts"));
    return new Unhealthy(
        active ? f.seconds("interval", defaults.interval()) : defaults.interval(),
        f.statuses("http_statuses", defaults.httpStatuses()),
        f.integer("http_failures", 0, 254).orElse(defaults.httpFailures()),
        f.integer("tcp_failures", 0, 254).orElse(defaults.tcpFailures()),
        f.integer("timeouts", 0, 254).orElse(defaults.timeouts()));
  }

  /** The fields of one object, each read with its problems named by its path. */
  private record Fields(JsonObject o, String where, List<String> problems) {

    void known(Set<String> names) {
      for (String field : o.keySet()) {
        if (!names.contains(field)) {
          problems.add(
              "unknown field '" + where + field + "' (known: " + new TreeSet<>(names) + ")");
        }
      }
    }

    String string(String field, String fallback) {
      JsonValue v = o.get(field);
      if (v == null || v == JsonValue.NULL) {
        return fallback;
      }
      if (!(v instanceof JsonString s)) {
        problems.add(where + field + " must be a string");
        return null;
      }
      return s.getString();
    }

    <E extends Enum<E>> E choice(String field, Class<E> type, E fallback) {
      String s = string(field, null);
      if (s == null) {
        return fallback;
      }
      E[] values = type.getEnumConstants();
      for (E e : values) {
        if (e.name().toLowerCase(Locale.ROOT).equals(s)) {
          return e;
        }
      }
      Function<E, String> json = e -> e.name().toLowerCase(Locale.ROOT);
      problems.add(
          where + field + " must be one of " + Arrays.stream(values).map(json).toList() + ": " + s);
      return fallback;
    }

    OptionalInt integer(String field, int min, int max) {
      JsonValue v = o.get(field);
      if (v == null || v == JsonValue.NULL) {
        return OptionalInt.empty();
      }
      if (!(v instanceof JsonNumber n)
          || !n.isIntegral()
          || n.bigDecimalValue().compareTo(BigDecimal.valueOf(min)) < 0
          || n.bigDecimalValue().compareTo(BigDecimal.valueOf(max)) > 0) {
        problems.add(where + field + " must be an integer from " + min + " to " + max);
        return OptionalInt.empty();
      }
      return OptionalInt.of(n.intValue());
    }

    Duration seconds(String field, Duration fallback) {
      JsonValue v = o.get(field);
      if (v == null || v == JsonValue.NULL) {
        return fallback;
      }
      if (!(v instanceof JsonNumber n)
          || n.bigDecimalValue().movePointRight(3).longValue() <= 0
          || n.bigDecimalValue().compareTo(MAX_SECONDS) > 0) {
        problems.add(where + field + " must be a number of seconds from 0.001 to 3600");
        return fallback;
      }
      return Duration.ofMillis(n.bigDecimalValue().movePointRight(3).longValue());
    }

    Set<Integer> statuses(String field, Set<Integer> fallback) {
      JsonValue v = o.get(field);
      if (v == null || v == JsonValue.NULL) {
        return fallback;
      }
      List<Integer> statuses = new ArrayList<>();
      if (v instanceof JsonArray a && !a.isEmpty()) {
        for (JsonValue s : a) {
          if (s instanceof JsonNumber n
              && n.isIntegral()
              && n.intValue() >= 200
              && n.intValue() <= 599) {
            statuses.add(n.intValue());
          } else {
            statuses.clear();
            break;
          }
        }
      }
      if (statuses.isEmpty()) {
        problems.add(where + field + " must be a non-empty array of statuses from 200 to 599");
        return fallback;
      }
      return Set.copyOf(statuses);
    }
  }
}
