package io.keywatch.kv;

import java.util.List;
import java.util.Objects;

/**
 * etcd's transaction: if every compare holds, the success operations run, else the failure ones;
 * either way atomically, with consecutive revisions, and watchers see the writes as one batch.
 */
public record Txn(List<Compare> compares, List<Op> success, List<Op> failure) {

  public Txn {
    compares = List.copyOf(compares);
    success = List.copyOf(success);
    failure = List.copyOf(failure);
  }

  /**
   * Holds when the key's mod revision equals {@code modRevision}; 0 means the key must be absent
   * (never written, or deleted).
   */
  public record Compare(String key, long modRevision) {
    public Compare {
      Objects.requireNonNull(key, "key");
    }
  }

  /** A write inside a transaction. */
  public sealed interface Op permits Put, Delete {
    String key();
  }

  public record Put(String key, byte[] value) implements Op {
    public Put {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }
  }

  public record Delete(String key) implements Op {
    public Delete {
      Objects.requireNonNull(key, "key");
    }
  }
}
