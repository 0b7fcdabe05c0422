package io.keywatch.admin.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Compares a presented key with the configured one in constant time: both are hashed first, so
 * neither the position of the first difference nor the key's length shows in the timing. Also signs
 * the stateless tokens (etcd's, the watch tokens): any admin server with the same key checks them.
 */
public final class ApiKey {

  private ApiKey() {}

  public static boolean matches(String configured, String presented) {
    return MessageDigest.isEqual(sha256(configured), sha256(presented));
  }

  /**
   * HMAC-SHA256 of {@code message} under {@code key}, in hex; compare signatures with {@link
   * #matches}.
   */
  public static String hmac(String key, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java runtime has HmacSHA256", e);
    }
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
