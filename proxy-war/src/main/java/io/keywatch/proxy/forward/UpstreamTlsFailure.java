package io.keywatch.proxy.forward;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * What went wrong when the TLS handshake with an upstream failed, in the words a 502 body and a log
 * line use: a certificate that is not trusted, has expired, or names another host, else a handshake
 * that failed for another reason (no common protocol or cipher, a TLS alert).
 */
final class UpstreamTlsFailure {

  private UpstreamTlsFailure() {}

  /** The problem, if {@code failure} is a TLS one. */
  static Optional<String> describe(Throwable failure) {
    boolean tls = false;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof CertificateExpiredException) {
        return Optional.of("upstream certificate problem: it has expired");
      }
      if (t instanceof CertificateNotYetValidException) {
        return Optional.of("upstream certificate problem: it is not valid yet");
      }
      if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException) {
        return Optional.of(
            "upstream certificate problem: not trusted (it does not lead to a trusted CA)");
      }
      if (t instanceof CertificateException c && namesAnotherHost(c)) {
        return Optional.of("upstream certificate problem: it does not name the upstream's host");
      }
      tls |= t instanceof SSLException;
    }
    return tls ? Optional.of("upstream TLS handshake failed") : Optional.empty();
  }

  /** The JDK's hostname check (sun.security.util.HostnameChecker) says so only in its message. */
  private static boolean namesAnotherHost(CertificateException e) {
    String m = String.valueOf(e.getMessage());
    return m.startsWith("No subject alternative") || m.startsWith("No name matching");
  }
}
