package io.keywatch.admin.kv;

import static io.keywatch.config.JsonSupport.JSON;

import io.keywatch.routes.Route;
import io.keywatch.routes.RouteCodec;
import io.keywatch.routes.Upstream;
import io.keywatch.routes.UpstreamCodec;
import io.keywatch.ssl.SslCodec;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * What a value looks like at the API, decided by its key alone: under {@code /routes/} it is a
 * route (a JSON object, checked and stored in canonical form by {@link RouteCodec}), under {@code
 * /upstreams/} an upstream object ({@link UpstreamCodec}); under {@code /ssls/} a certificate and
 * its key (a JSON object checked by {@link SslCodec}, shown without the key); anywhere else it is
 * opaque bytes, shown as base64 in JSON, as etcd's JSON gateway does.
 */
public final class Values {

  private Values() {}

  public static boolean isRouteKey(String key) {
    return key.startsWith(RouteCodec.PREFIX);
  }

  public static boolean isUpstreamKey(String key) {
    return key.startsWith(UpstreamCodec.PREFIX);
  }

  public static boolean isSslKey(String key) {
    return key.startsWith(SslCodec.PREFIX);
  }

  /** Whether the key holds a JSON document: a route, an upstream or an ssl object. */
  private static boolean isDocumentKey(String key) {
    return isRouteKey(key) || isUpstreamKey(key) || isSslKey(key);
  }

  /**
   * A value ready to be stored, and the route or upstream it holds when its key is one's: parsed
   * once here, so that later checks (the upstream guard) take the document, not the bytes.
   */
  public record Admitted(byte[] stored, Optional<Route> route, Optional<Upstream> upstream) {

    static Admitted opaque(byte[] stored) {
      return new Admitted(stored, Optional.empty(), Optional.empty());
    }
  }

  /**
   * The bytes to store for a value written to a key: a route is checked (its id too) and stored
   * canonically; anything else is stored as given.
   *
   * @throws io.keywatch.routes.InvalidRouteException listing every problem of a route
   * @throws io.keywatch.ssl.InvalidSslException listing every problem of an ssl object
   */
  public static Admitted admit(String key, byte[] value) {
    if (isRouteKey(key)) {
      RouteCodec.requireId(key.substring(RouteCodec.PREFIX.length()));
      Route route = RouteCodec.parse(value);
      return new Admitted(RouteCodec.toBytes(route), Optional.of(route), Optional.empty());
    }
    if (isUpstreamKey(key)) {
      RouteCodec.requireId(key.substring(UpstreamCodec.PREFIX.length()));
      Upstream upstream = UpstreamCodec.parse(value);
      return new Admitted(UpstreamCodec.toBytes(upstream), Optional.empty(), Optional.of(upstream));
    }
    if (isSslKey(key)) {
      SslCodec.requireId(key.substring(SslCodec.PREFIX.length()));
      return Admitted.opaque(SslCodec.toBytes(SslCodec.parse(value)));
    }
    return Admitted.opaque(value);
  }

  /**
   * The value as JSON: a route's or an upstream's object, an ssl object without its key, else a
   * base64 string.
   */
  public static JsonValue render(String key, byte[] value) {
    if (isSslKey(key)) {
      try {
        return SslCodec.publicJson(value);
      } catch (RuntimeException e) {
        // never base64: the bytes may hold a private key
        return JSON.createObjectBuilder().add("unreadable", e.getMessage()).build();
      }
    }
    if (isDocumentKey(key)) {
      try (var reader = JSON.createReader(new ByteArrayInputStream(value))) {
        return reader.readValue();
      } catch (jakarta.json.JsonException e) {
        // written before the route rules existed, or by hand in SQL: show it, do not fail the read
        return JSON.createValue(base64(value));
      }
    }
    return JSON.createValue(base64(value));
  }

  /**
   * The value as stored, for the feed key (a gateway mirrors the store): a route's, an upstream's
   * or an ssl object's JSON, key included, else a base64 string.
   */
  public static JsonValue renderStored(String key, byte[] value) {
    if (isDocumentKey(key)) {
      try (var reader = JSON.createReader(new ByteArrayInputStream(value))) {
        return reader.readValue();
      } catch (jakarta.json.JsonException e) {
        // not JSON (written by hand in SQL): the bytes themselves, which a gateway decodes
        return JSON.createValue(base64(value));
      }
    }
    return JSON.createValue(base64(value));
  }

  /**
   * The bytes of a value given in a JSON request (a transaction): a route key takes its route
   * object, any other key a base64 string. Returns null and adds to {@code problems} if it does not
   * fit.
   */
  public static byte[] fromJson(String key, JsonValue value, String where, List<String> problems) {
    if (isDocumentKey(key)) {
      if (value.getValueType() != JsonValue.ValueType.OBJECT) {
        problems.add(where + " of key " + key + " must be a JSON object");
        return null;
      }
      return value.toString().getBytes(StandardCharsets.UTF_8);
    }
    if (!(value instanceof JsonString s)) {
      problems.add(
          where
              + " must be a base64 string (keys under /routes/, /upstreams/ and /ssls/ take a JSON"
              + " object)");
      return null;
    }
    try {
      return Base64.getDecoder().decode(s.getString());
    } catch (IllegalArgumentException e) {
      problems.add(where + " is not valid base64: " + e.getMessage());
      return null;
    }
  }

  private static String base64(byte[] value) {
    return Base64.getEncoder().encodeToString(value);
  }
}
