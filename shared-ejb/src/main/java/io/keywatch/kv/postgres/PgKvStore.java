package io.keywatch.kv.postgres;

import io.keywatch.kv.CompactedException;
import io.keywatch.kv.DeleteResult;
import io.keywatch.kv.FutureRevisionException;
import io.keywatch.kv.KeyValue;
import io.keywatch.kv.Keys;
import io.keywatch.kv.KvEvent;
import io.keywatch.kv.KvException;
import io.keywatch.kv.KvStore;
import io.keywatch.kv.PutResult;
import io.keywatch.kv.Range;
import io.keywatch.kv.Revisions;
import io.keywatch.kv.Txn;
import io.keywatch.kv.TxnResult;
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
import javax.sql.DataSource;

/**
 * {@link KvStore} on PostgreSQL through JDBC. Writes call the SQL functions of the migrations; reads
 * at a revision run in one REPEATABLE READ snapshot that also reads the compacted revision, so a
 * read never sees history half removed.
 */
public final class PgKvStore implements KvStore {

  private final Transactions transactions;
  private final long valueLimit;
  private final GroupCommit groupCommit;

  /**
   * @param valueLimit the largest value accepted, in bytes
   * @param groupCommitLimit the most puts that share one transaction
   */
  public PgKvStore(DataSource dataSource, long valueLimit, int groupCommitLimit) {
    this.transactions = new Transactions(dataSource);
    this.valueLimit = valueLimit;
    this.groupCommit = new GroupCommit(transactions, groupCommitLimit);
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
  public Optional<KeyValue> get(String key) {
    return get(key, Long.MAX_VALUE);
  }

  @Override
  public Optional<KeyValue> get(String key, long revision) {
    Keys.requireKey(key);
    return read(
        revision,
        (c, at) -> {
          try (PreparedStatement s = c.prepareStatement(PgStatements.GET)) {
            s.setString(1, key);
            s.setString(2, key);
            s.setLong(3, at);
            try (ResultSet rs = s.executeQuery()) {
              return rs.next() ? Optional.of(PgStatements.keyValue(rs, 1)).filter(kv -> !kv.isTombstone()) : Optional.empty();
            }
          }
        });
  }

  @Override
  public Range list(String prefix) {
    return list(prefix, Long.MAX_VALUE);
  }

  @Override
  public Range list(String prefix, long revision) {
    Keys.requirePrefix(prefix);
    return read(
        revision,
        (c, at) -> {
          List<KeyValue> kvs = new ArrayList<>();
          try (PreparedStatement s = c.prepareStatement(PgStatements.LIST)) {
            s.setString(1, prefix);
            s.setString(2, PgStatements.prefixEnd(prefix));
            s.setLong(3, at);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                kvs.add(PgStatements.keyValue(rs, 1));
              }
            }
          }
          return new Range(kvs, at);
        });
  }

  @Override
  public Optional<DeleteResult> delete(String key) {
    Keys.requireKey(key);
    return write(
        c -> {
          try (PreparedStatement s = c.prepareStatement(PgStatements.DELETE)) {
            s.setString(1, key);
            s.setNull(2, Types.BIGINT);
            try (ResultSet rs = s.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              KeyValue tombstone = PgStatements.keyValue(rs, 1);
              return Optional.of(new DeleteResult(tombstone, PgStatements.previous(c, rs.getLong(6))));
            }
          }
        });
  }

  @Override
  public List<KeyValue> history(String key) {
    Keys.requireKey(key);
    return read(
        Long.MAX_VALUE,
        (c, at) -> {
          List<KeyValue> rows = new ArrayList<>();
          try (PreparedStatement s = c.prepareStatement(PgStatements.HISTORY)) {
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
    return write(c -> new TxnRun(c).run(txn));
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
          Revisions revisions = PgStatements.revisions(c);
          if (after + 1 < revisions.compacted()) {
            throw new CompactedException(after + 1, revisions.compacted());
          }
          return PgStatements.changes(c, after, at, prefix, limit);
        });
  }

  @Override
  public long compact(long revision) {
    return write(
        c -> {
          long current = PgStatements.lock(c);
          if (revision > current) {
            throw new FutureRevisionException(revision, current);
          }
          if (revision < 0) {
            throw new KvException("revision must not be negative: " + revision);
          }
          try (PreparedStatement s = c.prepareStatement(PgStatements.COMPACT)) {
            s.setLong(1, revision);
            try (ResultSet rs = s.executeQuery()) {
              rs.next();
              return rs.getLong(1);
            }
          }
        });
  }

  @Override
  public OptionalLong compactBefore(Instant instant) {
    return write(
        c -> {
          try (PreparedStatement s = c.prepareStatement(PgStatements.COMPACT_BEFORE)) {
            s.setTimestamp(1, Timestamp.from(instant));
            try (ResultSet rs = s.executeQuery()) {
              rs.next();
              long target = rs.getLong(1);
              return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(target);
            }
          }
        });
  }

  @Override
  public Revisions revisions() {
    return transactions.autocommit(PgStatements::revisions);
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
   * Reads at a revision: Long.MAX_VALUE means "now". The revision must lie between the compacted
   * and the current one, checked in the same snapshot as the read.
   */
  private <T> T read(long revision, Read<T> read) {
    return transactions.snapshot(
        c -> {
          Revisions r = PgStatements.revisions(c);
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
