package io.keywatch.kv;

/** What a put wrote, and the row it superseded (null if the key did not exist). */
public record PutResult(KeyValue kv, KeyValue prevKv) implements TxnOpResult {

  public long revision() {
    return kv.modRevision();
  }
}
