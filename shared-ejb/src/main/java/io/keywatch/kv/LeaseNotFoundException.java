package io.keywatch.kv;

/** The lease does not exist (never granted, revoked, or expired); etcd's ErrLeaseNotFound. */
public class LeaseNotFoundException extends KvException {

  private final long id;

  public LeaseNotFoundException(long id) {
    super("etcdserver: requested lease not found");
    this.id = id;
  }

  public long id() {
    return id;
  }
}
