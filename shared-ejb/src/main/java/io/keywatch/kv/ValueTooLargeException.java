package io.keywatch.kv;

/** A value above the configured limit; nothing was written. */
public class ValueTooLargeException extends KvException {

  private final long size;
  private final long limit;

  public ValueTooLargeException(long size, long limit) {
    super("value of " + size + " bytes exceeds the limit of " + limit + " bytes");
    this.size = size;
    this.limit = limit;
  }

  public long size() {
    return size;
  }

  public long limit() {
    return limit;
  }
}
