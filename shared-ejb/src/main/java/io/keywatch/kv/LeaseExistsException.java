package io.keywatch.kv;

/** A grant asked for an id that is taken; etcd's ErrLeaseExists. */
public class LeaseExistsException extends KvException {

  private final long id;

  public LeaseExistsException(long id) {
    super("etcdserver: lease already exists");
    this.id = id;
  }

  public long id() {
    return id;
  }
}
