package io.keywatch.kv;

/** A read or watch asked for history that compaction removed (etcd's ErrCompacted). */
public class CompactedException extends KvException {

  private final long requested;
  private final long compacted;

  public CompactedException(long requested, long compacted) {
    super("revision " + requested + " is compacted; the oldest readable revision is " + compacted);
    this.requested = requested;
    this.compacted = compacted;
  }

  public long requested() {
    return requested;
  }

  public long compacted() {
    return compacted;
  }
}
