package io.keywatch.kv;

/** The tombstone a delete wrote, and the value it deleted. */
public record DeleteResult(KeyValue tombstone, KeyValue prevKv) {

  public long revision() {
    return tombstone.modRevision();
  }
}
