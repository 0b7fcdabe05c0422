package io.keywatch.proxy.forward;

import io.keywatch.ssl.Pem;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * The CAs named by {@code keywatch.proxy.trust-store}: a PEM bundle (what nginx and APISIX take) or
 * a PKCS12 file (what keytool writes), told apart by their first bytes. A file that cannot be read
 * stops the gateway's start: an https upstream would otherwise be trusted by another set of CAs.
 */
final class UpstreamTrustStore {

  private UpstreamTrustStore() {}

  static KeyStore load(Path file, Optional<String> password) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      String text = new String(bytes, StandardCharsets.ISO_8859_1);
      if (text.contains("-----BEGIN CERTIFICATE-----")) {
        return fromPem(text);
      }
      KeyStore p12 = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(file)) {
        p12.load(in, password.map(String::toCharArray).orElse(null));
      }
      return p12;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the trust store " + file + " (keywatch.proxy.trust-store)", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "the trust store "
              + file
              + " is neither a PEM bundle nor a readable PKCS12 file (keywatch.proxy.trust-store): "
              + e.getMessage(),
          e);
    }
  }

  private static KeyStore fromPem(String pem) throws GeneralSecurityException {
    List<X509Certificate> cas = Pem.certificates(pem);
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // an empty store reads nothing
    }
    for (int i = 0; i < cas.size(); i++) {
      store.setCertificateEntry("ca-" + i, cas.get(i));
    }
    return store;
  }
}
