package io.keywatch.kv;

/** A read or compaction named a revision the store has not reached (etcd's ErrFutureRev). */
public class FutureRevisionException extends KvException {

  private final long requested;
  private final long current;

  public FutureRevisionException(long requested, long current) {
    super("revision " + requested + " is ahead of the current revision " + current);
    this.requested = requested;
    this.current = current;
  }

  public long requested() {
    return requested;
  }

  public long current() {
    return current;
  }
}
