package io.keywatch.kv;

/** A grant asked for more than {@link LeaseStore#MAX_TTL} seconds; etcd's ErrLeaseTTLTooLarge. */
public class LeaseTtlTooLargeException extends KvException {

  private final long ttl;

  public LeaseTtlTooLargeException(long ttl) {
    super("etcdserver: too large lease TTL");
    this.ttl = ttl;
  }

  public long ttl() {
    return ttl;
  }
}
