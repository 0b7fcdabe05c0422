package io.keywatch.ssl;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Certificates and private keys in PEM, as openssl writes them. A key is PKCS#8 ({@code BEGIN
 * PRIVATE KEY}, what openssl 3 writes for every algorithm) or PKCS#1 RSA ({@code BEGIN RSA PRIVATE
 * KEY}); an encrypted key, or another form, is refused with the openssl command that converts it.
 */
public final class Pem {

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

  /** PKCS#8's AlgorithmIdentifier of rsaEncryption (OID 1.2.840.113549.1.1.1, NULL parameters). */
  private static final byte[] RSA_ALGORITHM = {
    0x30,
    0x0d,
    0x06,
    0x09,
    0x2a,
    (byte) 0x86,
    0x48,
    (byte) 0x86,
    (byte) 0xf7,
    0x0d,
    0x01,
    0x01,
    0x01,
    0x05,
    0x00
  };

  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "EdDSA", "RSASSA-PSS");

  private static final String TO_PKCS8 =
      "convert it with: openssl pkcs8 -topk8 -nocrypt -in key.pem";

  private Pem() {}

  /** Every certificate in the text, in order; none is an empty list. */
  public static List<X509Certificate> certificates(String pem) throws CertificateException {
    CertificateFactory x509 = CertificateFactory.getInstance("X.509");
    List<X509Certificate> certs = new ArrayList<>();
    Matcher m = BLOCK.matcher(pem);
    while (m.find()) {
      if (m.group(1).equals("CERTIFICATE")) {
        certs.add(
            (X509Certificate)
                x509.generateCertificate(new ByteArrayInputStream(decode(m.group(2)))));
      }
    }
    return certs;
  }

  /** The one private key in the text. */
  public static PrivateKey privateKey(String pem) throws GeneralSecurityException {
    Matcher m = BLOCK.matcher(pem);
    if (!m.find()) {
      throw new GeneralSecurityException("no PEM block (-----BEGIN PRIVATE KEY-----) found");
    }
    byte[] der = decode(m.group(2));
    return switch (m.group(1)) {
      case "PRIVATE KEY" -> pkcs8(der);
      case "RSA PRIVATE KEY" -> pkcs8(rsaToPkcs8(der));
      case "ENCRYPTED PRIVATE KEY" ->
          throw new GeneralSecurityException(
              "the key is encrypted; store it unencrypted: " + TO_PKCS8);
      default ->
          throw new GeneralSecurityException(
              "a key in a '" + m.group(1) + "' block is not read; " + TO_PKCS8);
    };
  }

  private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException notThisOne) {
        // the spec names its algorithm inside; the JDK has no factory that reads every one
      }
    }
    throw new GeneralSecurityException(
        "not a PKCS#8 RSA, EC or Ed25519 private key the JDK can read");
  }

  /** PKCS#1's RSAPrivateKey inside PKCS#8's PrivateKeyInfo: version 0, rsaEncryption, the key. */
  private static byte[] rsaToPkcs8(byte[] pkcs1) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x02, 0x01, 0x00});
    body.writeBytes(RSA_ALGORITHM);
    body.write(0x04);
    body.writeBytes(derLength(pkcs1.length));
    body.writeBytes(pkcs1);
    ByteArrayOutputStream info = new ByteArrayOutputStream();
    info.write(0x30);
    info.writeBytes(derLength(body.size()));
    info.writeBytes(body.toByteArray());
    return info.toByteArray();
  }

  private static byte[] derLength(int length) {
    if (length < 0x80) {
      return new byte[] {(byte) length};
    }
    if (length < 0x100) {
      return new byte[] {(byte) 0x81, (byte) length};
    }
    if (length < 0x10000) {
      return new byte[] {(byte) 0x82, (byte) (length >> 8), (byte) length};
    }
    return new byte[] {(byte) 0x83, (byte) (length >> 16), (byte) (length >> 8), (byte) length};
  }

  private static byte[] decode(String base64) {
    return Base64.getMimeDecoder().decode(base64.getBytes(StandardCharsets.US_ASCII));
  }
}
