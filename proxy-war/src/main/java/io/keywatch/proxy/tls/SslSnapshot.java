package io.keywatch.proxy.tls;

import io.keywatch.kv.KeyValue;
import io.keywatch.kv.KvEvent;
import io.keywatch.ssl.InvalidSslException;
import io.keywatch.ssl.Ssl;
import io.keywatch.ssl.SslCodec;
import io.keywatch.watch.EventBatch;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The store's certificates at one revision; immutable. Each is known by an alias made of its key
 * and mod revision, so that a handshake that chose one before a change reads the key and chain of
 * that same certificate.
 *
 * @param revision the store revision it is exact at
 * @param live whether it came from a full read through this JVM's watch (batches apply to it)
 * @param byKey every certificate by store key, in key order (which breaks ties between equal names)
 */
record SslSnapshot(long revision, boolean live, Map<String, Certificate> byKey) {

  private static final Logger LOG = Logger.getLogger(SslSnapshot.class.getName());

  static final SslSnapshot EMPTY = new SslSnapshot(-1, false, Map.of());

  /** One stored certificate and the alias the key manager hands out for it. */
  record Certificate(String alias, Ssl ssl) {}

  static SslSnapshot load(long revision, Collection<KeyValue> kvs) {
    Map<String, Certificate> byKey = new TreeMap<>();
    kvs.forEach(kv -> put(byKey, kv));
    return new SslSnapshot(revision, true, Collections.unmodifiableMap(byKey));
  }

  boolean needsReload(EventBatch batch) {
    return !live || batch.after() > revision;
  }

  SslSnapshot apply(EventBatch batch) {
    if (batch.revision() <= revision) {
      return this;
    }
    Map<String, Certificate> byKey = new TreeMap<>(this.byKey);
    for (KvEvent e : batch.events()) {
      if (e.revision() <= revision) {
        continue;
      }
      if (e.type() == KvEvent.Type.DELETE) {
        byKey.remove(e.key());
        LOG.info(() -> "SSL delete " + e.key() + " rev=" + e.revision());
      } else if (put(byKey, e.kv())) {
        LOG.info(
            () ->
                "SSL put "
                    + e.key()
                    + " rev="
                    + e.revision()
                    + " snis="
                    + byKey.get(e.key()).ssl().snis());
      }
    }
    return new SslSnapshot(batch.revision(), live, Collections.unmodifiableMap(byKey));
  }

  /**
   * The certificate for a server name whose key is of this type ("RSA", "EC", ...): one that names
   * it exactly before one whose wildcard covers it; among equals, the first by store key.
   */
  Optional<Certificate> choose(String serverName, String keyType) {
    Optional<Certificate> exact =
        sorted().filter(c -> c.ssl().snis().contains(serverName) && fits(c, keyType)).findFirst();
    if (exact.isPresent()) {
      return exact;
    }
    return sorted()
        .filter(
            c ->
                c.ssl().snis().stream().anyMatch(sni -> Ssl.serves(sni, serverName))
                    && fits(c, keyType))
        .findFirst();
  }

  Optional<Certificate> byAlias(String alias) {
    return byKey.values().stream().filter(c -> c.alias().equals(alias)).findFirst();
  }

  int size() {
    return byKey.size();
  }

  private Stream<Certificate> sorted() {
    return byKey.values().stream();
  }

  /** JSSE asks by key algorithm: "EC" for ECDSA keys, "RSA" for RSA ones, "EdDSA". */
  private static boolean fits(Certificate c, String keyType) {
    return c.ssl().key().getAlgorithm().equals(keyType);
  }

  private static boolean put(Map<String, Certificate> byKey, KeyValue kv) {
    try {
      byKey.put(
          kv.key(), new Certificate(kv.key() + "@" + kv.modRevision(), SslCodec.parse(kv.value())));
      return true;
    } catch (InvalidSslException e) {
      byKey.remove(kv.key());
      LOG.warning(
          () -> "SSL skip " + kv.key() + " rev=" + kv.modRevision() + ": " + e.getMessage());
      return false;
    }
  }
}
