package io.keywatch.kv;

import java.util.List;

/**
 * What revoking a lease deleted: a tombstone per attached key, at consecutive revisions of one
 * transaction, and the store revision after it (the last tombstone's, or the current one if the
 * lease had no keys).
 */
public record Revocation(long revision, List<DeleteResult> deleted) {

  public Revocation {
    deleted = List.copyOf(deleted);
  }
}
