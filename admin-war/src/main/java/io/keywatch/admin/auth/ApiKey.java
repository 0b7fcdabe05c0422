package io.keywatch.admin.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Compares a presented key with the configured one in constant time: both are hashed first, so
 * neither the position of the first difference nor the key's length shows in the timing.
 */
public final class ApiKey {

  private ApiKey() {}

  public static boolean matches(String configured, String presented) {
    return MessageDigest.isEqual(sha256(configured), sha256(presented));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
