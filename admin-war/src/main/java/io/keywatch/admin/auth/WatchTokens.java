package io.keywatch.admin.auth;

import io.keywatch.admin.problems.Problem;
import io.keywatch.admin.problems.Problems;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Watch tokens: what a browser's EventSource, which cannot send {@code X-API-KEY}, passes as {@code
 * ?token=} to watch one prefix until an expiry. A token is {@code <expiry>.<prefix>.<mac>}: the
 * expiry in epoch seconds, the prefix in base64url, and the HMAC of both under the API key. So any
 * admin server with the same key checks it without shared state, changing the key invalidates every
 * token, and it cannot pass for one of etcd's tokens (those sign a bare nonce).
 */
public final class WatchTokens {

  /** A token and what it allows. */
  public record Issued(String token, String prefix, Instant expiresAt) {}

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  private static final String ISSUE = "send POST /watch/tokens with X-API-KEY for a new one";

  private final String apiKey;
  private final Clock clock;

  public WatchTokens(String apiKey, Clock clock) {
    this.apiKey = apiKey;
    this.clock = clock;
  }

  public Issued issue(String prefix, Duration ttl) {
    Instant end = clock.instant().plus(ttl);
    long expiry =
        end.getEpochSecond()
            + (end.getNano() > 0 ? 1 : 0); // whole seconds, never shorter than asked
    String body = expiry + "." + ENCODER.encodeToString(prefix.getBytes(StandardCharsets.UTF_8));
    return new Issued(
        body + "." + ApiKey.hmac(apiKey, signed(body)), prefix, Instant.ofEpochSecond(expiry));
  }

  /**
   * Why {@code token} does not let its bearer watch {@code watched} now (401 or 403), or empty when
   * it does.
   */
  public Optional<Problem> refusal(String token, String watched) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3
        || !ApiKey.matches(ApiKey.hmac(apiKey, signed(parts[0] + "." + parts[1])), parts[2])) {
      return Optional.of(
          Problems.unauthorized(
              "the watch token is not one this server issued (or the API key changed); " + ISSUE));
    }
    Instant expiresAt = Instant.ofEpochSecond(Long.parseLong(parts[0]));
    if (!clock.instant().isBefore(expiresAt)) {
      return Optional.of(
          Problems.unauthorized("the watch token expired at " + expiresAt + "; " + ISSUE)
              .with("expiresAt", expiresAt.toString()));
    }
    String prefix = new String(DECODER.decode(parts[1]), StandardCharsets.UTF_8);
    if (!watched.startsWith(prefix)) {
      return Optional.of(
          Problems.forbidden(
                  "the watch token allows watching under " + prefix + " only, not " + watched)
              .with("prefix", prefix));
    }
    return Optional.empty();
  }

  /**
   * What the MAC covers: a purpose, so that nothing else signed with the key reads as a watch
   * token.
   */
  private static String signed(String body) {
    return "watch." + body;
  }
}
