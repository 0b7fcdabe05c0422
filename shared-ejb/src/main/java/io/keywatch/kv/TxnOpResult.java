package io.keywatch.kv;

/**
 * The answer to one {@link TxnOp}: RangeResult, PutResult, DeleteRangeResult or a nested
 * TxnResponse.
 */
public sealed interface TxnOpResult
    permits RangeResult, PutResult, DeleteRangeResult, TxnResponse {}
