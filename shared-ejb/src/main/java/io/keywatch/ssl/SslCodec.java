package io.keywatch.ssl;

import static io.keywatch.config.JsonSupport.JSON;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and writes ssl documents (APISIX's {@code ssls}), with every check an ssl object must pass:
 * the chain and the key parse, and the key is the certificate's. The admin API validates with it
 * and shows back {@link #publicJson} (everything but the key); the gateway reads with it.
 *
 * <pre>
 * {"cert": "-----BEGIN CERTIFICATE-----...", "key": "-----BEGIN PRIVATE KEY-----...",
 *   "snis": ["api.example.com", "*.example.com"]}</pre>
 */
public final class SslCodec {

  public static final String PREFIX = "/ssls/";

  private static final Set<String> FIELDS = Set.of("cert", "key", "snis");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.~-]{1,64}");
  private static final Pattern SNI =
      Pattern.compile(
          "(\\*\\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+|"
              + "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final byte[] PROBE = "keywatch key check".getBytes(StandardCharsets.US_ASCII);

  private SslCodec() {}

  /** An ssl id: 1 to 64 of {@code A-Z a-z 0-9 _ . ~ -}, not "." or "..". */
  public static String requireId(String id) {
    if (id == null || !ID.matcher(id).matches() || id.equals(".") || id.equals("..")) {
      throw new InvalidSslException(
          List.of("id must be 1 to 64 of A-Z a-z 0-9 _ . ~ - (and not . or ..)"));
    }
    return id;
  }

  /** Parses and checks an ssl document; throws {@link InvalidSslException} with every problem. */
  public static Ssl parse(byte[] json) {
    JsonObject o = object(json);
    List<String> problems = new ArrayList<>();
    for (String field : o.keySet()) {
      if (!FIELDS.contains(field)) {
        problems.add("unknown field '" + field + "' (known: cert, key, snis)");
      }
    }
    String certPem = string(o, "cert", problems);
    String keyPem = string(o, "key", problems);
    List<String> snis = snis(o, problems);
    List<X509Certificate> chain = List.of();
    if (certPem != null) {
      try {
        chain = Pem.certificates(certPem);
        if (chain.isEmpty()) {
          problems.add("cert holds no -----BEGIN CERTIFICATE----- block");
        }
      } catch (CertificateException e) {
        problems.add("cert is not a PEM certificate chain: " + e.getMessage());
      }
    }
    PrivateKey key = null;
    if (keyPem != null) {
      try {
        key = Pem.privateKey(keyPem);
      } catch (GeneralSecurityException e) {
        problems.add("key is not a PEM private key: " + e.getMessage());
      }
    }
    if (key != null && !chain.isEmpty() && !matches(key, chain.get(0).getPublicKey())) {
      problems.add(
          "key does not belong to the certificate (the first one in cert, "
              + chain.get(0).getSubjectX500Principal().getName()
              + ")");
    }
    if (!problems.isEmpty()) {
      throw new InvalidSslException(problems);
    }
    return new Ssl(chain, key, snis, certPem, keyPem);
  }

  /** The document to store: what was given, key included. */
  public static byte[] toBytes(Ssl ssl) {
    return publicJsonBuilder(ssl)
        .add("key", ssl.keyPem())
        .build()
        .toString()
        .getBytes(StandardCharsets.UTF_8);
  }

  /** What the admin API shows of a stored ssl: everything but the key. */
  public static JsonObject publicJson(byte[] stored) {
    return JSON.createObjectBuilder(object(stored)).remove("key").build();
  }

  private static JsonObjectBuilder publicJsonBuilder(Ssl ssl) {
    JsonArrayBuilder snis = JSON.createArrayBuilder();
    ssl.snis().forEach(snis::add);
    return JSON.createObjectBuilder().add("cert", ssl.certPem()).add("snis", snis);
  }

  /** Whether the private key signs what the public key verifies. */
  private static boolean matches(PrivateKey key, PublicKey certified) {
    if (!key.getAlgorithm().equals(certified.getAlgorithm())) {
      return false;
    }
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default -> key.getAlgorithm(); // EdDSA, Ed25519, Ed448 sign as themselves
        };
    try {
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(PROBE);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(certified);
      verify.update(PROBE);
      return verify.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static JsonObject object(byte[] json) {
    try (var reader = JSON.createReader(new ByteArrayInputStream(json))) {
      JsonValue v = reader.readValue();
      if (v.getValueType() != JsonValue.ValueType.OBJECT) {
        throw new InvalidSslException(List.of("an ssl object must be a JSON object"));
      }
      return v.asJsonObject();
    } catch (jakarta.json.JsonException e) {
      throw new InvalidSslException(List.of("malformed JSON: " + e.getMessage()));
    }
  }

  private static String string(JsonObject o, String field, List<String> problems) {
    JsonValue v = o.get(field);
    if (v == null || v == JsonValue.NULL) {
      problems.add(field + " is required");
      return null;
    }
    if (!(v instanceof JsonString s)) {
      problems.add(field + " must be a string (PEM)");
      return null;
    }
    return s.getString();
  }

  private static List<String> snis(JsonObject o, List<String> problems) {
    JsonValue v = o.get("snis");
    if (!(v instanceof jakarta.json.JsonArray a) || a.isEmpty()) {
      problems.add("snis must be a non-empty array of server names");
      return List.of();
    }
    Set<String> snis = new LinkedHashSet<>();
    for (JsonValue s : a) {
      String name =
          s instanceof JsonString js ? js.getString().toLowerCase(Locale.ROOT) : String.valueOf(s);
      if (!(s instanceof JsonString) || !SNI.matcher(name).matches()) {
        problems.add("snis: " + s + " is not a host name or *.domain");
      } else {
        snis.add(name);
      }
    }
    return List.copyOf(snis);
  }
}
