package io.keywatch.launcher;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The read-only key the launcher's gateway follows its admin with (the admin's {@code
 * keywatch.watch.feed-key}): derived from the API key with HMAC-SHA256, so it stays the same across
 * restarts without a file of its own, and whoever reads it from the gateway's environment learns
 * nothing of the API key.
 */
final class FeedKey {

  private static final String PURPOSE = "keywatch feed key";

  private FeedKey() {}

  static String of(String apiKey) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(apiKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(PURPOSE.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java runtime has HmacSHA256", e);
    }
  }
}
