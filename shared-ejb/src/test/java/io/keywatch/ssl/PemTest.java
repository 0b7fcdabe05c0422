package io.keywatch.ssl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PemTest {

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static KeyPair rsa() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  @Test
  void aPkcs8KeyOfEachAlgorithmReadsBack() throws GeneralSecurityException {
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
      KeyPair keys = KeyPairGenerator.getInstance(algorithm).generateKeyPair();
      assertThat(Pem.privateKey(pem("PRIVATE KEY", keys.getPrivate().getEncoded())).getEncoded())
          .as(algorithm)
          .isEqualTo(keys.getPrivate().getEncoded());
    }
  }

  @Test
  void aPkcs1RsaKeyReadsAsTheSameKey() throws GeneralSecurityException {
    KeyPair keys = rsa();
    byte[] pkcs8 = keys.getPrivate().getEncoded();
    // PrivateKeyInfo of a 2048-bit key: 30 82 LL LL | 02 01 00 | 30 0d <rsaEncryption, NULL> |
    // 04 82 LL LL | RSAPrivateKey: the PKCS#1 key is what follows those 26 bytes
    byte[] pkcs1 = Arrays.copyOfRange(pkcs8, 26, pkcs8.length);
    assertThat(pkcs1[0]).isEqualTo((byte) 0x30);
    assertThat(Pem.privateKey(pem("RSA PRIVATE KEY", pkcs1)).getEncoded()).isEqualTo(pkcs8);
  }

  @Test
  void anEncryptedOrSec1KeyIsRefusedWithTheCommandThatConvertsIt() {
    assertThatThrownBy(() -> Pem.privateKey(pem("ENCRYPTED PRIVATE KEY", new byte[] {1, 2})))
        .hasMessageContaining("encrypted")
        .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    assertThatThrownBy(() -> Pem.privateKey(pem("EC PRIVATE KEY", new byte[] {1, 2})))
        .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    assertThatThrownBy(() -> Pem.privateKey("no key here")).hasMessageContaining("no PEM block");
  }
}
