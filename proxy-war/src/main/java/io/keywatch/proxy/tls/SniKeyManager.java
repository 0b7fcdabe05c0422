package io.keywatch.proxy.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The server side of every handshake on the HTTPS listener: JSSE asks it, per connection, which
 * certificate to present, and it answers from the store's certificates as they are now, by the
 * server name (SNI) the client sent ({@link ExtendedSSLSession#getRequestedServerNames()}). A
 * client that sends no name, or one no certificate is for, gets none: the handshake fails, as
 * APISIX's does.
 *
 * <p>JSSE asks three times: which alias, then that alias's chain, then its key. The alias names one
 * stored revision of a certificate, and the previous table is asked too, so a handshake that chose
 * just before a change still gets the chain and the key of the same certificate.
 */
final class SniKeyManager extends X509ExtendedKeyManager {

  private static final Logger LOG = Logger.getLogger(SniKeyManager.class.getName());

  private final SslTable table;

  SniKeyManager(SslTable table) {
    this.table = table;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return choose(keyType, engine.getHandshakeSession());
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return socket instanceof SSLSocket s ? choose(keyType, s.getHandshakeSession()) : null;
  }

  private String choose(String keyType, SSLSession handshake) {
    Optional<String> name = serverName(handshake);
    if (name.isEmpty()) {
      LOG.fine(() -> "SSL a client sent no server name: no certificate for it");
      return null;
    }
    return table
        .snapshot()
        .choose(name.get(), keyType)
        .map(SslSnapshot.Certificate::alias)
        .orElse(null);
  }

  private static Optional<String> serverName(SSLSession handshake) {
    if (!(handshake instanceof ExtendedSSLSession session)) {
      return Optional.empty();
    }
    for (SNIServerName name : session.getRequestedServerNames()) {
      if (name instanceof SNIHostName host) {
        return Optional.of(host.getAsciiName().toLowerCase(java.util.Locale.ROOT));
      }
    }
    return Optional.empty();
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return table
        .byAlias(alias)
        .map(c -> c.ssl().chain().toArray(X509Certificate[]::new))
        .orElse(null);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return table.byAlias(alias).map(c -> c.ssl().key()).orElse(null);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    List<String> aliases =
        table.snapshot().byKey().values().stream()
            .filter(c -> c.ssl().key().getAlgorithm().equals(keyType))
            .map(SslSnapshot.Certificate::alias)
            .toList();
    return aliases.isEmpty() ? null : aliases.toArray(String[]::new);
  }

  /** The gateway presents no client certificate: it terminates TLS, it does not originate it. */
  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return null;
  }
}
