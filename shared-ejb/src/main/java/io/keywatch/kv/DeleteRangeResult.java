package io.keywatch.kv;

import java.util.List;

/**
 * etcd's DeleteRangeResponse: how many live keys were deleted (each got a tombstone, with
 * consecutive revisions), their last values if asked for, and the store's revision after it.
 */
public record DeleteRangeResult(long deleted, List<KeyValue> prevKvs, long revision)
    implements TxnOpResult {

  public DeleteRangeResult {
    prevKvs = List.copyOf(prevKvs);
  }
}
