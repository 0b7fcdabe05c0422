package io.keywatch.kv;

import java.util.List;

/**
 * etcd's TxnResponse: whether the compares held, one response per operation of the branch that ran
 * (in its order), and the store's revision after the transaction.
 */
public record TxnResponse(boolean succeeded, List<TxnOpResult> responses, long revision)
    implements TxnOpResult {

  public TxnResponse {
    responses = List.copyOf(responses);
  }
}
