package io.keywatch.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A private certificate authority made in the test (EC P-256: fast to generate), and the server
 * certificates it signs, as PEM and as the JDK's key and trust material.
 */
public final class TestCa {

  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  private final String name;
  private final KeyPair keys;
  private final X509Certificate certificate;

  /** A server certificate, its key, and the CA that signed it. */
  public record Issued(X509Certificate certificate, KeyPair keys, TestCa ca) {

    /** The chain as an ssl object's {@code cert}: this certificate, then the CA's. */
    public String chainPem() {
      return pem(certificate) + pem(ca.certificate);
    }

    /** The private key as PKCS#8 PEM ({@code BEGIN PRIVATE KEY}), as openssl 3 writes it. */
    public String keyPem() {
      return "-----BEGIN PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, new byte[] {'\n'})
              .encodeToString(keys.getPrivate().getEncoded())
          + "\n-----END PRIVATE KEY-----\n";
    }

    /** A server context that presents this certificate (with the CA's after it). */
    public SSLContext serverContext() {
      try {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(
            "server",
            keys.getPrivate(),
            new char[0],
            new X509Certificate[] {certificate, ca.certificate});
        KeyManagerFactory kmf =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  public TestCa(String name) {
    this.name = name;
    this.keys = ecKeys();
    this.certificate =
        sign(new X500Name("CN=" + name), keys, true, new GeneralName[0]); // a CA names no host
  }

  /** A server certificate for these DNS names, signed by this CA. */
  public Issued issue(String... dnsNames) {
    KeyPair server = ecKeys();
    GeneralName[] sans = new GeneralName[dnsNames.length];
    for (int i = 0; i < dnsNames.length; i++) {
      sans[i] = new GeneralName(GeneralName.dNSName, dnsNames[i]);
    }
    return new Issued(sign(new X500Name("CN=" + dnsNames[0]), server, false, sans), server, this);
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** The CA's certificate as PEM, a trust store of one. */
  public String certificatePem() {
    return pem(certificate);
  }

  /** A client context that trusts this CA only (and checks nothing else itself). */
  public SSLContext clientContext() {
    try {
      KeyStore ts = KeyStore.getInstance("PKCS12");
      ts.load(null, null);
      ts.setCertificateEntry("ca", certificate);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ts);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private X509Certificate sign(
      X500Name subject, KeyPair subjectKeys, boolean ca, GeneralName[] sans) {
    try {
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              ca ? subject : new X500Name("CN=" + name),
              BigInteger.valueOf(SERIAL.incrementAndGet()),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(Duration.ofDays(2))),
              subject,
              subjectKeys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      if (ca) {
        b.addExtension(
            Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else {
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
      }
      return new JcaX509CertificateConverter()
          .getCertificate(
              b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    } catch (Exception e) {
      throw new IllegalStateException("cannot sign a test certificate", e);
    }
  }

  private static KeyPair ecKeys() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String pem(Object o) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
