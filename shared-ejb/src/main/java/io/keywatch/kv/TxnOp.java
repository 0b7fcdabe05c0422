package io.keywatch.kv;

/**
 * An operation of a {@link TxnRequest}: a range read, a put, a range delete or a nested
 * transaction.
 */
public sealed interface TxnOp
    permits RangeQuery, TxnRequest.Put, TxnRequest.DeleteRange, TxnRequest {}
