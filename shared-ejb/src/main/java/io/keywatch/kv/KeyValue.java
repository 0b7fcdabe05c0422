package io.keywatch.kv;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * One row of the store: a key's value at one revision, with etcd's per-key fields. A tombstone (the
 * row a delete writes) has no value and version 0. {@code lease} is the lease the key was attached
 * to by this put (0: none, and always on a tombstone).
 */
public record KeyValue(
    String key,
    byte[] value,
    long createRevision,
    long modRevision,
    long version,
    Instant createdAt,
    long lease) {

  /** A row attached to no lease. */
  public KeyValue(
      String key,
      byte[] value,
      long createRevision,
      long modRevision,
      long version,
      Instant createdAt) {
    this(key, value, createRevision, modRevision, version, createdAt, 0);
  }

  public boolean isTombstone() {
    return value == null;
  }

  public String valueAsString() {
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }
}
