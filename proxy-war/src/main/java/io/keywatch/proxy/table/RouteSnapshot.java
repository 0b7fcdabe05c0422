package io.keywatch.proxy.table;

import io.keywatch.kv.KeyValue;
import io.keywatch.kv.KvEvent;
import io.keywatch.kv.Range;
import io.keywatch.proxy.matcher.RouteIndex;
import io.keywatch.routes.InvalidRouteException;
import io.keywatch.routes.RouteCodec;
import io.keywatch.watch.EventBatch;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * The route table at one revision of one store; immutable.
 *
 * @param storeId the store it mirrors; null when unknown
 * @param revision the store revision it is exact at
 * @param live whether it came from the store through this JVM's watch (so batches can be applied to
 *     it); a table read from the disk snapshot, or the empty one at start, is not live and is
 *     replaced by a full load at the first batch
 */
public record RouteSnapshot(UUID storeId, long revision, boolean live, RouteIndex index) {

  private static final Logger LOG = Logger.getLogger(RouteSnapshot.class.getName());

  public static final RouteSnapshot EMPTY = new RouteSnapshot(null, -1, false, RouteIndex.EMPTY);

  /** The table of a full read of the store; routes that do not parse are logged and left out. */
  public static RouteSnapshot load(UUID storeId, Range range) {
    RouteIndex.Editor edit = RouteIndex.EMPTY.edit();
    for (KeyValue kv : range.kvs()) {
      put(edit, kv);
    }
    return new RouteSnapshot(storeId, range.revision(), true, edit.build());
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
    for (KvEvent e : batch.events()) {
      if (e.revision() <= revision) {
        continue;
      }
      long delay = Duration.between(e.kv().createdAt(), appliedAt).toMillis();
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
    return new RouteSnapshot(storeId, batch.revision(), live, edit.build());
  }

  public int size() {
    return index.size();
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
