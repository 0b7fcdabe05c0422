package io.keywatch.admin.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keywatch.admin.auth.ApiKey;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class TokensTest {

  private final Tokens tokens = new Tokens(Optional.of("the-key"));

  @Test
  void aTokenIsItsNonceAndTheNoncesHmacUnderTheKey() {
    String token = tokens.issue("root", "the-key").orElseThrow();
    String[] parts = token.split("\\.");
    assertEquals(ApiKey.hmac("the-key", parts[0]), parts[1]);
  }

  @Test
  void anIssuedTokenIsValidOnEveryThread() throws Exception {
    String token = tokens.issue("root", "the-key").orElseThrow();
    assertTrue(tokens.isValid(token));
    assertTrue(tokens.isValid(token));
    assertTrue(CompletableFuture.supplyAsync(() -> tokens.isValid(token)).get());
  }

  @Test
  void aTokenWithAnotherSignatureOrOfAnotherKeyIsInvalid() {
    String token = tokens.issue("root", "the-key").orElseThrow();
    String nonce = token.substring(0, token.indexOf('.'));
    assertFalse(tokens.isValid(nonce + "." + ApiKey.hmac("other-key", nonce)));
    assertFalse(tokens.isValid(nonce + "." + ApiKey.hmac("the-key", nonce).substring(1)));
    assertFalse(tokens.isValid(nonce + "x" + token.substring(token.indexOf('.'))));
    assertFalse(tokens.isValid(nonce));
    assertFalse(new Tokens(Optional.of("other-key")).isValid(token));
  }

  @Test
  void withoutAKeyNothingIsIssuedOrValid() {
    Tokens none = new Tokens(Optional.empty());
    assertTrue(none.issue("root", "").isEmpty());
    assertFalse(none.isValid(tokens.issue("root", "the-key").orElseThrow()));
  }

  @Test
  void onlyRootWithTheKeyGetsAToken() {
    assertTrue(tokens.issue("admin", "the-key").isEmpty());
    assertTrue(tokens.issue("root", "the-kex").isEmpty());
  }
}
