package io.keywatch.kv;

/**
 * A change of one key, as etcd's watch reports it: the new row (a tombstone for a delete) and the
 * key's row before it ({@code prevKv}, null if the key did not exist or that row was compacted).
 * {@code txnRevision} is the first revision of the transaction that made the change.
 */
public record KvEvent(Type type, KeyValue kv, KeyValue prevKv, long txnRevision) {

  public enum Type {
    PUT,
    DELETE
  }

  public static KvEvent of(KeyValue kv, KeyValue prevKv, long txnRevision) {
    return new KvEvent(kv.isTombstone() ? Type.DELETE : Type.PUT, kv, prevKv, txnRevision);
  }

  public String key() {
    return kv.key();
  }

  public long revision() {
    return kv.modRevision();
  }
}
