package io.keywatch.admin.kv;

import io.keywatch.kv.KeyValue;
import io.keywatch.kv.KvStore;
import io.keywatch.kv.Range;
import io.keywatch.kv.Revisions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads that answer the store revision they were made at, as etcd's response header does. A read
 * "now" first learns the current revision R, then reads at R: the value shown is exactly the one at
 * the revision in the header, so a client can read and then watch from R + 1 without a gap.
 */
@ApplicationScoped
public class KeyReads {

  @Inject KvStore store;

  /** A key as of {@code at}, and the store revision when it was read. */
  public record One(long revision, long at, Optional<KeyValue> kv) {}

  /** The rows of a key still kept, and how far history is compacted. */
  public record History(long revision, long compactRevision, List<KeyValue> rows) {}

  /** The key at {@code rev}, or now when empty. */
  public One get(String key, OptionalLong rev) {
    long now = store.revisions().current();
    long at = rev.orElse(now);
    return new One(now, at, store.get(key, at));
  }

  /**
   * The live keys under a prefix at {@code rev}, or now; the range's revision is the store's when
   * read.
   */
  public Range list(String prefix, OptionalLong rev) {
    if (rev.isEmpty()) {
      return store.list(prefix);
    }
    long now = store.revisions().current();
    return new Range(store.list(prefix, rev.getAsLong()).kvs(), now);
  }

  public History history(String key) {
    Revisions r = store.revisions();
    return new History(r.current(), r.compacted(), store.history(key));
  }
}
