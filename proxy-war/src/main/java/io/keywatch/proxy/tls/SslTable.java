package io.keywatch.proxy.tls;

import io.keywatch.kv.Range;
import io.keywatch.ssl.SslCodec;
import io.keywatch.watch.EventBatch;
import io.keywatch.watch.StoreReset;
import io.keywatch.watch.WatchHub;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The gateway's mirror of the store's {@code /ssls/}, by the route table's rule (see {@code
 * RouteTable}): a full read at the watch's position, then the batches above it, and a full read
 * again on a reset or a gap. Handshakes read {@link #snapshot()}, a volatile reference, and never
 * lock. Unlike the routes it is never saved to disk: private keys stay in the store. So while the
 * store has not been reached since start, the HTTPS listener has no certificate to present.
 *
 * <p>Lock order, as the route table's: the watch's position lock before this object's monitor.
 */
@ApplicationScoped
public class SslTable {

  private static final Logger LOG = Logger.getLogger(SslTable.class.getName());

  @Inject WatchHub hub;

  private volatile SslSnapshot current = SslSnapshot.EMPTY;

  /** The table before the last change, for a handshake that chose from it (see SniKeyManager). */
  private volatile SslSnapshot previous = SslSnapshot.EMPTY;

  void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
    SslSnapshot loaded;
    try {
      loaded = readStore();
    } catch (RuntimeException e) {
      LOG.info(() -> "SSL no certificates until the store is reachable: " + e.getMessage());
      return;
    }
    synchronized (this) {
      if (!current.live() || loaded.revision() > current.revision()) {
        install(loaded);
      }
    }
  }

  SslSnapshot snapshot() {
    return current;
  }

  /** A certificate by the alias a handshake was given, in this table or the one before. */
  Optional<SslSnapshot.Certificate> byAlias(String alias) {
    Optional<SslSnapshot.Certificate> now = current.byAlias(alias);
    return now.isPresent() ? now : previous.byAlias(alias);
  }

  synchronized void onBatch(@Observes EventBatch batch) {
    if (current.needsReload(batch)) {
      // the feed's position is still the batch's start while it delivers: the reload reads there,
      // and the batch itself is applied on top
      reload();
      if (current.needsReload(batch)) {
        return;
      }
    }
    EventBatch ssls = batch.filter(SslCodec.PREFIX);
    SslSnapshot next = current.apply(ssls);
    if (!ssls.events().isEmpty()) {
      previous = current;
    }
    current = next;
  }

  synchronized void onReset(@Observes StoreReset reset) {
    LOG.warning(() -> "SSL reload after " + reset);
    reload();
  }

  private void reload() {
    try {
      install(readStore());
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "SSL reload failed, keeping "
              + current.size()
              + " certificates rev="
              + current.revision()
              + ": "
              + e.getMessage());
    }
  }

  private SslSnapshot readStore() {
    Range ssls = hub.snapshot(SslCodec.PREFIX);
    return SslSnapshot.load(ssls.revision(), ssls.kvs());
  }

  private void install(SslSnapshot s) {
    previous = current;
    current = s;
    LOG.info(() -> "SSL load " + s.size() + " certificates rev=" + s.revision() + " from store");
  }
}
