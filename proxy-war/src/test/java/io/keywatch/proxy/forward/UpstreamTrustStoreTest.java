package io.keywatch.proxy.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keywatch.proxy.trust-store takes a PEM bundle or a PKCS12 file, as keytool writes them. */
class UpstreamTrustStoreTest {

  @TempDir static Path dir;
  static Path p12;
  static Path pem;

  @BeforeAll
  static void keytool() throws IOException, InterruptedException {
    p12 = dir.resolve("ca.p12");
    pem = dir.resolve("ca.pem");
    run(
        "-genkeypair",
        "-alias",
        "ca",
        "-keyalg",
        "EC",
        "-dname",
        "CN=Test CA",
        "-ext",
        "bc:c",
        "-keystore",
        p12.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        "secret");
    run(
        "-exportcert",
        "-rfc",
        "-alias",
        "ca",
        "-keystore",
        p12.toString(),
        "-storepass",
        "secret",
        "-file",
        pem.toString());
  }

  private static void run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
  }

  private static List<Certificate> certificates(KeyStore store) throws KeyStoreException {
    List<Certificate> certs = new ArrayList<>();
    for (String alias : Collections.list(store.aliases())) {
      certs.add(store.getCertificate(alias));
    }
    return certs;
  }

  @Test
  void aPemBundleAndThePkcs12FileItCameFromTrustTheSameCa() throws Exception {
    List<Certificate> fromPem = certificates(UpstreamTrustStore.load(pem, Optional.empty()));
    List<Certificate> fromP12 = certificates(UpstreamTrustStore.load(p12, Optional.of("secret")));
    assertThat(fromPem).hasSize(1);
    assertThat(fromP12).containsExactlyElementsOf(fromPem);
  }

  @Test
  void aFileThatIsNeitherStopsTheStartNamingTheSetting() throws IOException {
    Path junk = Files.writeString(dir.resolve("junk.txt"), "not a trust store");
    assertThatThrownBy(() -> UpstreamTrustStore.load(junk, Optional.empty()))
        .hasMessageContaining(junk.toString())
        .hasMessageContaining("keywatch.proxy.trust-store");
    assertThatThrownBy(() -> UpstreamTrustStore.load(dir.resolve("missing.pem"), Optional.empty()))
        .hasMessageContaining("keywatch.proxy.trust-store");
  }
}
