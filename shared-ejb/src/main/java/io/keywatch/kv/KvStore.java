package io.keywatch.kv;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The store's operations, etcd's KV service on PostgreSQL. Reads at a revision below the compacted
 * one throw {@link CompactedException}, above the current one {@link FutureRevisionException}. Keys
 * follow {@link Keys}; values are at most the configured size.
 */
public interface KvStore {

  /** Puts a value; concurrent puts may share one database transaction, each keeps its revision. */
  PutResult put(String key, byte[] value);

  /**
   * Puts a value attached to a lease (0: none, which detaches the key from any lease, as in etcd);
   * {@link LeaseNotFoundException} if the lease does not exist, and then nothing is written.
   */
  PutResult put(String key, byte[] value, long lease);

  /**
   * {@link #put(String, byte[], long)} without holding the caller's thread while the put waits for
   * its commit: refuses a bad key or value at once, as put does, and completes the result, or put's
   * exception, on the thread that committed it. A commit it has to start runs on {@code executor}.
   */
  CompletableFuture<PutResult> putAsync(String key, byte[] value, long lease, Executor executor);

  /** The key's live value now, if any. */
  Optional<KeyValue> get(String key);

  /** The key's live value as of a revision, if any. */
  Optional<KeyValue> get(String key, long revision);

  /** The live keys under a prefix now. */
  Range list(String prefix);

  /** The live keys under a prefix as of a revision. */
  Range list(String prefix, long revision);

  /** Deletes a key by writing a tombstone; empty (and nothing written) if it was absent. */
  Optional<DeleteResult> delete(String key);

  /** Every row of a key still kept, tombstones included, oldest first. */
  List<KeyValue> history(String key);

  /** Runs a transaction atomically. */
  TxnResult txn(Txn txn);

  /**
   * etcd's Range: the live keys of a range as of a revision (0: the latest), filtered, sorted,
   * limited and counted as etcd does; throws {@link CompactedException} below the compacted
   * revision and {@link FutureRevisionException} above the current one.
   */
  RangeResult range(RangeQuery query);

  /**
   * etcd's DeleteRange ({@link KeyRange}'s rules for {@code key} and {@code rangeEnd}): tombstones
   * every live key of the range in one transaction, with consecutive revisions, which watchers see
   * as one batch; {@code prevKv} returns the deleted values too.
   */
  DeleteRangeResult deleteRange(String key, String rangeEnd, boolean prevKv);

  /**
   * etcd's full Txn (see {@link TxnRequest}), in one database transaction. Refusals throw {@link
   * InvalidRequestException} (etcd's checks, see {@link TxnRules}), {@link InvalidKeyException} or
   * {@link ValueTooLargeException} before anything is read, and nothing is written; a put attaches
   * its lease as {@link #put(String, byte[], long)} does, and an unknown one is {@link
   * LeaseNotFoundException}: nothing is written either.
   */
  TxnResponse txn(TxnRequest txn);

  /**
   * The changes with revision in (after, upTo], oldest first, under a prefix, at most about {@code
   * limit} of them: a transaction's changes are never split, so a batch may exceed the limit.
   */
  List<KvEvent> changes(long after, long upTo, String prefix, int limit);

  /** Compacts to a revision (see {@code kv_compact}); returns the number of rows removed. */
  long compact(long revision);

  /** Compacts what was superseded before an instant; returns the revision compacted to, if any. */
  OptionalLong compactBefore(Instant instant);

  Revisions revisions();
}
