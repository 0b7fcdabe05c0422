package io.keywatch.admin.etcd;

import io.keywatch.admin.auth.ApiKey;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * etcd's auth tokens for the one user "root" whose password is the API key. A token is a random
 * nonce and its HMAC under the API key: any admin server checks it without shared state, and
 * changing the key invalidates every token. Tokens do not expire while the key stays.
 */
final class Tokens {

  static final String USER = "root";

  private final Optional<String> apiKey;
  private final SecureRandom random = new SecureRandom();

  Tokens(Optional<String> apiKey) {
    this.apiKey = apiKey;
  }

  /** A token for these credentials, or empty when they are not root's (or no key is configured). */
  Optional<String> issue(String user, String password) {
    if (apiKey.isEmpty() || !USER.equals(user) || !ApiKey.matches(apiKey.get(), password)) {
      return Optional.empty();
    }
    byte[] nonce = new byte[16];
    random.nextBytes(nonce);
    String n = HexFormat.of().formatHex(nonce);
    return Optional.of(n + "." + ApiKey.hmac(apiKey.get(), n));
  }

  boolean isValid(String token) {
    int dot = token.indexOf('.');
    if (apiKey.isEmpty() || dot < 0) {
      return false;
    }
    return ApiKey.matches(
        ApiKey.hmac(apiKey.get(), token.substring(0, dot)), token.substring(dot + 1));
  }
}
