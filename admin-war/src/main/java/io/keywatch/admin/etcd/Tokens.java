package io.keywatch.admin.etcd;

import io.keywatch.admin.auth.ApiKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * etcd's auth tokens for the one user "root" whose password is the API key. A token is a random
 * nonce and its HMAC under the API key: any admin server checks it without shared state, and
 * changing the key invalidates every token. Tokens do not expire while the key stays.
 *
 * <p>Every gRPC call is checked, so each thread keeps a Mac keyed once (looking the algorithm up
 * and keying it per call cost more than the HMAC itself), and the signatures, of one length, are
 * compared in constant time as they are.
 */
final class Tokens {

  static final String USER = "root";

  private final Optional<String> apiKey;
  private final ThreadLocal<Mac> macs;
  private final SecureRandom random = new SecureRandom();

  Tokens(Optional<String> apiKey) {
    this.apiKey = apiKey;
    this.macs = apiKey.map(key -> ThreadLocal.withInitial(() -> keyed(key))).orElse(null);
  }

  /** A token for these credentials, or empty when they are not root's (or no key is configured). */
  Optional<String> issue(String user, String password) {
    if (apiKey.isEmpty() || !USER.equals(user) || !ApiKey.matches(apiKey.get(), password)) {
      return Optional.empty();
    }
    byte[] nonce = new byte[16];
    random.nextBytes(nonce);
    String n = HexFormat.of().formatHex(nonce);
    return Optional.of(n + "." + signature(n));
  }

  boolean isValid(String token) {
    int dot = token.indexOf('.');
    if (apiKey.isEmpty() || dot < 0) {
      return false;
    }
    return MessageDigest.isEqual(
        signature(token.substring(0, dot)).getBytes(StandardCharsets.UTF_8),
        token.substring(dot + 1).getBytes(StandardCharsets.UTF_8));
  }

  /** The nonce's HMAC-SHA256 under the API key, in hex (as {@link ApiKey#hmac}). */
  private String signature(String nonce) {
    return HexFormat.of().formatHex(macs.get().doFinal(nonce.getBytes(StandardCharsets.UTF_8)));
  }

  private static Mac keyed(String key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java runtime has HmacSHA256", e);
    }
  }
}
