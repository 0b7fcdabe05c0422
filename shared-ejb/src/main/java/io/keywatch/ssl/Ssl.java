package io.keywatch.ssl;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;

/**
 * A certificate the gateway presents to clients that ask for one of its server names.
 *
 * @param chain the certificate first, then the intermediates that lead to a CA
 * @param key the certificate's private key
 * @param snis the server names it is for, lower case: a host name, or {@code *.example.com} for
 *     every name one label below example.com
 * @param certPem the chain as given, so that it is stored and shown back as written
 * @param keyPem the key as given; stored, never shown back
 */
public record Ssl(
    List<X509Certificate> chain, PrivateKey key, List<String> snis, String certPem, String keyPem) {

  public Ssl {
    chain = List.copyOf(chain);
    snis = List.copyOf(snis);
  }

  /** The key an ssl with this id is stored under. */
  public static String key(String id) {
    return SslCodec.PREFIX + SslCodec.requireId(id);
  }

  /**
   * Whether a server name a client asked for is one of {@link #snis()}: equal (ignoring case), or
   * one label below a wildcard's domain ({@code *.example.com} serves {@code a.example.com}, not
   * {@code example.com} nor {@code a.b.example.com}), as RFC 6125 matches wildcards.
   */
  public static boolean serves(String sni, String requested) {
    String name = requested.toLowerCase(Locale.ROOT);
    if (!sni.startsWith("*.")) {
      return sni.equals(name);
    }
    int dot = name.indexOf('.');
    return dot > 0 && name.substring(dot).equals(sni.substring(1));
  }
}
