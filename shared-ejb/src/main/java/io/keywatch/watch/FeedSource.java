package io.keywatch.watch;

import io.keywatch.kv.ChangeLog;
import io.keywatch.kv.Range;

/**
 * Where a {@link WatchHub} follows the store from instead of its database: in a gateway of the
 * fan-out tier, an admin server's watch stream (as etcd's gRPC proxy coalesces watchers). The hub
 * takes the first enabled bean of this type; with none it follows the database, and only then
 * touches it. Its feed keeps every rule of {@link ChangeFeed}: the same batches, the same resume by
 * revision, the same resets.
 */
public interface FeedSource {

  /** Whether this source is configured; a disabled one is never asked for anything else. */
  boolean enabled();

  /** The log the hub's feed follows. */
  ChangeLog log();

  /** The live keys under a prefix at a revision the feed has delivered: a mirror's full read. */
  Range list(String prefix, long revision);

  /** A full read of a mirror, from the store or from a source. */
  @FunctionalInterface
  interface Reads {
    Range list(String prefix, long revision);
  }
}
