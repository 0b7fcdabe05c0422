package io.keywatch.kv.postgres;

import io.keywatch.kv.CompactedException;
import io.keywatch.kv.DeleteRangeResult;
import io.keywatch.kv.DeleteResult;
import io.keywatch.kv.FutureRevisionException;
import io.keywatch.kv.KeyRange;
import io.keywatch.kv.KeyValue;
import io.keywatch.kv.Keys;
import io.keywatch.kv.KvEvent;
import io.keywatch.kv.KvException;
import io.keywatch.kv.KvStore;
import io.keywatch.kv.PutResult;
import io.keywatch.kv.Range;
import io.keywatch.kv.RangeQuery;
import io.keywatch.kv.RangeResult;
import io.keywatch.kv.Revisions;
import io.keywatch.kv.Txn;
import io.keywatch.kv.TxnOp;
import io.keywatch.kv.TxnRequest;
import io.keywatch.kv.TxnResponse;
import io.keywatch.kv.TxnResult;
import io.keywatch.kv.TxnRules;
import io.keywatch.kv.ValueTooLargeException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/**
 * {@link KvStore} on PostgreSQL through JDBC. Writes call the SQL functions of the migrations;
 * reads at a revision run in one REPEATABLE READ snapshot that also reads the compacted revision,
 * so a read never sees history half removed.
 */
public final class PgKvStore implements KvStore {

  private final Transactions transactions;
  private final PgStatements statements;
  private final long valueLimit;
  private final GroupCommit groupCommit;
  private final int txnMaxOps;
  private final long compactionStep;

  /**
   * @param valueLimit the largest value accepted, in bytes
   * @param groupCommitLimit the most puts that share one transaction
   * @param txnMaxOps the most compares, or success or failure operations, of one level of an etcd
   *     transaction
   * @param compactionStep the revisions one transaction of a compaction goes through
   */
  public PgKvStore(
      DataSource dataSource,
      long valueLimit,
      int groupCommitLimit,
      int txnMaxOps,
      long compactionStep) {
    this(
        dataSource, valueLimit, groupCommitLimit, txnMaxOps, compactionStep, StatementTimings.NONE);
  }

  /**
   * @param valueLimit the largest value accepted, in bytes
   * @param groupCommitLimit the most puts that share one transaction
   * @param txnMaxOps the most compares, or success or failure operations, of one level of an etcd
   *     transaction
   * @param compactionStep the revisions one transaction of a compaction goes through
   * @param timings told the time of every statement run
   */
  public PgKvStore(
      DataSource dataSource,
      long valueLimit,
      int groupCommitLimit,
      int txnMaxOps,
      long compactionStep,
      StatementTimings timings) {
    this.transactions = new Transactions(dataSource);
    this.statements = new PgStatements(timings);
    this.valueLimit = valueLimit;
    this.groupCommit = new GroupCommit(transactions, statements, groupCommitLimit);
    this.txnMaxOps = txnMaxOps;
    if (compactionStep < 1) {
      throw new IllegalArgumentException("compaction step must be positive: " + compactionStep);
    }
    this.compactionStep = compactionStep;
  }

  @Override
  public PutResult put(String key, byte[] value) {
    return put(key, value, 0);
  }

  @Override
  public PutResult put(String key, byte[] value, long lease) {
    Keys.requireKey(key);
    requireValue(value);
    return groupCommit.put(key, value, lease);
  }

  @Override
  public CompletableFuture<PutResult> putAsync(
      String key, byte[] value, long lease, Executor executor) {
    Keys.requireKey(key);
    requireValue(value);
    return groupCommit.putAsync(key, value, lease, executor);
  }

  @Override
  public Optional<KeyValue> get(String key) {
    return get(key, Long.MAX_VALUE);
  }

  @Override
  public Optional<KeyValue> get(String key, long revision) {
    Keys.requireKey(key);
    RangeQuery one = RangeQuery.of(KeyRange.single(key));
    return readAt(revision, (c, at) -> new RangeRead(c, statements).run(one, at)).kvs().stream()
        .findFirst();
  }

  @Override
  public Range list(String prefix) {
    return list(prefix, Long.MAX_VALUE);
  }

  @Override
  public Range list(String prefix, long revision) {
    Keys.requirePrefix(prefix);
    RangeRead.Answer a =
        readAt(revision, (c, at) -> new RangeRead(c, statements).list(KeyRange.prefix(prefix), at));
    return new Range(a.kvs(), Math.min(revision, a.store().current()));
  }

  @Override
  public Optional<DeleteResult> delete(String key) {
    Keys.requireKey(key);
    return write(
        c -> {
          KeyValue tombstone;
          long prevRevision;
          try (Timed t = statements.prepare(c, PgStatements.DELETE);
              PreparedStatement s = t.statement()) {
            s.setString(1, key);
            s.setNull(2, Types.BIGINT);
            try (ResultSet rs = s.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              tombstone = PgStatements.keyValue(rs, 1);
              prevRevision = rs.getLong(6);
            }
          }
          return Optional.of(new DeleteResult(tombstone, statements.previous(c, prevRevision)));
        });
  }

  @Override
  public List<KeyValue> history(String key) {
    Keys.requireKey(key);
    // one statement, one snapshot: nothing to check a revision against
    return transactions.autocommit(
        c -> {
          List<KeyValue> rows = new ArrayList<>();
          try (Timed t = statements.prepare(c, PgStatements.HISTORY);
              PreparedStatement s = t.statement()) {
            s.setString(1, key);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                rows.add(PgStatements.keyValue(rs, 1));
              }
            }
          }
          return rows;
        });
  }

  @Override
  public TxnResult txn(Txn txn) {
    txn.compares().forEach(cmp -> Keys.requireKey(cmp.key()));
    for (Txn.Op op : txn.success()) {
      checkOp(op);
    }
    for (Txn.Op op : txn.failure()) {
      checkOp(op);
    }
    return write(c -> new TxnRun(c, statements).run(txn));
  }

  @Override
  public RangeResult range(RangeQuery query) {
    long at = query.revision();
    RangeRead.Answer a =
        checked(at, transactions.autocommit(c -> new RangeRead(c, statements).run(query, at)));
    return a.result(a.store().current());
  }

  @Override
  public DeleteRangeResult deleteRange(String key, String rangeEnd, boolean prevKv) {
    TxnRequest alone =
        new TxnRequest(
            List.of(),
            List.of(new TxnRequest.DeleteRange(new KeyRange(key, rangeEnd), prevKv)),
            List.of());
    return (DeleteRangeResult) txn(alone).responses().get(0);
  }

  @Override
  public TxnResponse txn(TxnRequest txn) {
    TxnRules.check(txn, txnMaxOps);
    checkWrites(txn.success());
    checkWrites(txn.failure());
    return write(c -> new TxnRequestRun(c, statements).run(txn));
  }

  /** Keywatch's own rules for what a transaction writes, on both branches at every level. */
  private void checkWrites(List<TxnOp> ops) {
    for (TxnOp op : ops) {
      if (op instanceof TxnRequest.Put put) {
        Keys.requireKey(put.key());
        if (!put.ignoreValue()) {
          requireValue(put.value());
        }
      } else if (op instanceof TxnRequest nested) {
        checkWrites(nested.success());
        checkWrites(nested.failure());
      }
    }
  }

  private void checkOp(Txn.Op op) {
    Keys.requireKey(op.key());
    if (op instanceof Txn.Put put) {
      requireValue(put.value());
    }
  }

  @Override
  public List<KvEvent> changes(long after, long upTo, String prefix, int limit) {
    Keys.requirePrefix(prefix);
    return read(
        upTo,
        (c, at) -> {
          Revisions revisions = statements.revisions(c);
          if (after + 1 < revisions.compacted()) {
            throw new CompactedException(after + 1, revisions.compacted());
          }
          return statements.changes(c, after, at, prefix, limit);
        });
  }

  /**
   * Compacts in the steps of {@code kv_compact}: the writers' lock only while the compacted
   * revision is raised, then {@code compactionStep} revisions per transaction, oldest first.
   */
  @Override
  public long compact(long revision) {
    Long oldest =
        write(
            c -> {
              long current = statements.lock(c);
              if (revision > current) {
                throw new FutureRevisionException(revision, current);
              }
              if (revision < 0) {
                throw new KvException("revision must not be negative: " + revision);
              }
              try (Timed t = statements.prepare(c, PgStatements.COMPACT_BEGIN);
                  PreparedStatement s = t.statement()) {
                s.setLong(1, revision);
                try (ResultSet rs = s.executeQuery()) {
                  rs.next();
                  long from = rs.getLong(1);
                  return rs.wasNull() ? null : from;
                }
              }
            });
    long removed = 0;
    for (long from = oldest == null ? revision : oldest; from < revision; from += compactionStep) {
      long stepFrom = from;
      removed +=
          write(
              c -> {
                try (Timed t = statements.prepare(c, PgStatements.COMPACT_STEP);
                    PreparedStatement s = t.statement()) {
                  s.setLong(1, revision);
                  s.setLong(2, stepFrom);
                  s.setLong(3, stepFrom + compactionStep);
                  try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                  }
                }
              });
    }
    return removed;
  }

  @Override
  public OptionalLong compactBefore(Instant instant) {
    Long target =
        transactions.autocommit(
            c -> {
              try (Timed t = statements.prepare(c, PgStatements.COMPACT_TARGET);
                  PreparedStatement s = t.statement()) {
                s.setTimestamp(1, Timestamp.from(instant));
                try (ResultSet rs = s.executeQuery()) {
                  rs.next();
                  long revision = rs.getLong(1);
                  return rs.wasNull() ? null : revision;
                }
              }
            });
    if (target == null) {
      return OptionalLong.empty();
    }
    compact(target);
    return OptionalLong.of(target);
  }

  @Override
  public Revisions revisions() {
    return transactions.autocommit(statements::revisions);
  }

  private void requireValue(byte[] value) {
    if (value == null) {
      throw new KvException("value must not be null; delete the key instead");
    }
    if (value.length > valueLimit) {
      throw new ValueTooLargeException(value.length, valueLimit);
    }
  }

  /** Work inside a read snapshot, given the revision to read at (capped at the current one). */
  @FunctionalInterface
  interface Read<T> {
    T run(Connection c, long at) throws SQLException;
  }

  private <T> T write(Transactions.Work<T> work) {
    return transactions.write(work);
  }

  /**
   * A read in one autocommit statement as of {@code revision} (Long.MAX_VALUE: now, which the read
   * is given as 0), checked against the store's revisions that statement read beside its rows, as
   * {@link #read} checks. Below the store's first revision there is no key, only the compaction to
   * check.
   */
  private RangeRead.Answer readAt(long revision, Read<RangeRead.Answer> read) {
    if (revision < 1) {
      return read(
          revision, (c, at) -> new RangeRead.Answer(statements.revisions(c), List.of(), 0, false));
    }
    long at = revision == Long.MAX_VALUE ? 0 : revision;
    return checked(at, transactions.autocommit(c -> read.run(c, at)));
  }

  /**
   * The answer of a read at {@code at} (0: now), unless the revisions it read rule {@code at} out.
   */
  private static RangeRead.Answer checked(long at, RangeRead.Answer a) {
    Revisions r = a.store();
    if (at > r.current()) {
      throw new FutureRevisionException(at, r.current());
    }
    if (at > 0 && at < r.compacted()) {
      throw new CompactedException(at, r.compacted());
    }
    return a;
  }

  /**
   * Reads at a revision: Long.MAX_VALUE means "now". The revision must lie between the compacted
   * and the current one, checked in the same snapshot as the read.
   */
  private <T> T read(long revision, Read<T> read) {
    return transactions.snapshot(
        c -> {
          Revisions r = statements.revisions(c);
          if (revision != Long.MAX_VALUE && revision > r.current()) {
            throw new FutureRevisionException(revision, r.current());
          }
          if (revision < r.compacted()) {
            throw new CompactedException(revision, r.compacted());
          }
          return read.run(c, Math.min(revision, r.current()));
        });
  }
}
