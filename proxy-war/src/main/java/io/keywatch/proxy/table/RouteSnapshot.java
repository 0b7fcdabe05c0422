package io.keywatch.proxy.table;

import io.keywatch.kv.KeyValue;
import io.keywatch.kv.KvEvent;
import io.keywatch.kv.Range;
import io.keywatch.proxy.balance.Pool;
import io.keywatch.proxy.matcher.RouteIndex;
import io.keywatch.proxy.matcher.Target;
import io.keywatch.routes.InvalidRouteException;
import io.keywatch.routes.RouteCodec;
import io.keywatch.routes.UpstreamCodec;
import io.keywatch.routes.UpstreamRef;
import io.keywatch.watch.EventBatch;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * The route table at one revision of one store, with the upstreams its routes name by {@code
 * upstream_id}; immutable. Routes and upstreams change in the same swap, so a changed upstream
 * applies to every route that names it at once.
 *
 * @param storeId the store it mirrors; null when unknown
 * @param revision the store revision it is exact at
 * @param live whether it came from the store through this JVM's watch (so batches can be applied to
 *     it); a table read from the disk snapshot, or the empty one at start, is not live and is
 *     replaced by a full load at the first batch
 * @param upstreams the stored upstreams by key ({@code /upstreams/u1}), with their node state
 */
public record RouteSnapshot(
    UUID storeId, long revision, boolean live, RouteIndex index, Map<String, Pool> upstreams) {

  private static final Logger LOG = Logger.getLogger(RouteSnapshot.class.getName());

  public static final RouteSnapshot EMPTY =
      new RouteSnapshot(null, -1, false, RouteIndex.EMPTY, Map.of());

  public RouteSnapshot {
    upstreams = Map.copyOf(upstreams);
  }

  /** A table without stored upstreams. */
  public RouteSnapshot(UUID storeId, long revision, boolean live, RouteIndex index) {
    this(storeId, revision, live, index, Map.of());
  }

  /** The table of a full read of the store; routes that do not parse are logged and left out. */
  public static RouteSnapshot load(UUID storeId, Range range) {
    return load(storeId, range, new Range(List.of(), range.revision()), Map.of());
  }

  /**
   * The table of a full read of routes and upstreams at one revision; documents that do not parse
   * are logged and left out. The node state of {@code previous} upstreams that did not change is
   * kept.
   */
  public static RouteSnapshot load(
      UUID storeId, Range routes, Range upstreams, Map<String, Pool> previous) {
    RouteIndex.Editor edit = RouteIndex.EMPTY.edit();
    for (KeyValue kv : routes.kvs()) {
      put(edit, kv);
    }
    Map<String, Pool> pools = new HashMap<>();
    for (KeyValue kv : upstreams.kvs()) {
      putUpstream(pools, previous, kv);
    }
    return new RouteSnapshot(storeId, routes.revision(), true, edit.build(), pools);
  }

  /**
   * The nodes a target's requests go to: its own, or those of the upstream it names; null when it
   * names one that is not stored (or does not parse).
   */
  public Pool pool(Target target) {
    if (target.pool() != null) {
      return target.pool();
    }
    return upstreams.get(((UpstreamRef.Id) target.route().upstream()).key());
  }

  /**
   * Whether {@code batch} cannot be applied and the table must be read again: it is not live, or
   * the batch starts above it (changes in between were never seen).
   */
  public boolean needsReload(EventBatch batch) {
    return !live || batch.after() > revision;
  }

  /**
   * This table with the batch's changes above its revision applied, as one new table; logs each
   * change with its watch delay, the time from the change's commit to {@code appliedAt}.
   */
  public RouteSnapshot apply(EventBatch batch, Instant appliedAt) {
    if (batch.revision() <= revision) {
      return this;
    }
    RouteIndex.Editor edit = index.edit();
    Map<String, Pool> pools = null; // copied at the first upstream change
    for (KvEvent e : batch.events()) {
      if (e.revision() <= revision) {
        continue;
      }
      long delay = Duration.between(e.kv().createdAt(), appliedAt).toMillis();
      if (e.key().startsWith(UpstreamCodec.PREFIX)) {
        if (pools == null) {
          pools = new HashMap<>(upstreams);
        }
        if (e.type() == KvEvent.Type.DELETE) {
          pools.remove(e.key());
        } else {
          putUpstream(pools, upstreams, e.kv());
        }
        LOG.info(
            () ->
                "UPSTREAM "
                    + e.type().name().toLowerCase(Locale.ROOT)
                    + " "
                    + e.key()
                    + " rev="
                    + e.revision()
                    + " watch_delay="
                    + delay
                    + "ms");
        continue;
      }
      if (!e.key().startsWith(RouteCodec.PREFIX)) {
        continue;
      }
      if (e.type() == KvEvent.Type.DELETE) {
        edit.remove(e.key());
        LOG.info(
            () ->
                "ROUTE delete "
                    + e.key()
                    + " rev="
                    + e.revision()
                    + " watch_delay="
                    + delay
                    + "ms");
      } else if (put(edit, e.kv())) {
        LOG.info(
            () -> "ROUTE put " + e.key() + " rev=" + e.revision() + " watch_delay=" + delay + "ms");
      }
    }
    return new RouteSnapshot(
        storeId, batch.revision(), live, edit.build(), pools == null ? upstreams : pools);
  }

  public int size() {
    return index.size();
  }

  /** Puts the upstream stored in {@code kv}; one that does not parse is logged and removed. */
  private static void putUpstream(Map<String, Pool> pools, Map<String, Pool> before, KeyValue kv) {
    try {
      var upstream = UpstreamCodec.parse(kv.value());
      Pool old = before.get(kv.key());
      pools.put(
          kv.key(), old == null ? new Pool(kv.key(), upstream) : old.reuseFor(kv.key(), upstream));
    } catch (InvalidRouteException e) {
      pools.remove(kv.key());
      LOG.warning(
          () -> "UPSTREAM skip " + kv.key() + " rev=" + kv.modRevision() + ": " + e.getMessage());
    }
  }

  /** Puts the route stored in {@code kv}; one that does not parse is logged and removed instead. */
  private static boolean put(RouteIndex.Editor edit, KeyValue kv) {
    try {
      edit.put(kv.key(), RouteCodec.parse(kv.value()));
      return true;
    } catch (InvalidRouteException e) {
      edit.remove(kv.key());
      LOG.warning(
          () -> "ROUTE skip " + kv.key() + " rev=" + kv.modRevision() + ": " + e.getMessage());
      return false;
    }
  }
}
