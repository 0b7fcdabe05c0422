package io.keywatch.kv;

import java.util.List;

/**
 * etcd's RangeResponse: the keys, how many live keys the range holds ({@code count}, before the
 * limit and the revision filters, as etcd counts), whether the limit left some out, and the store's
 * current revision (the header revision, whatever revision was read at).
 */
public record RangeResult(List<KeyValue> kvs, long count, boolean more, long revision)
    implements TxnOpResult {

  public RangeResult {
    kvs = List.copyOf(kvs);
  }
}
