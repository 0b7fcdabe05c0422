package io.keywatch.kv;

import java.util.List;

/**
 * The outcome of a {@link Txn}: whether the compares held, the store's revision after it, and one
 * event per operation that wrote (a delete of an absent key writes nothing and has none).
 */
public record TxnResult(boolean succeeded, long revision, List<KvEvent> events) {}
