package io.keywatch.kv.postgres;

import io.keywatch.kv.CompactedException;
import io.keywatch.kv.DeleteRangeResult;
import io.keywatch.kv.FutureRevisionException;
import io.keywatch.kv.InvalidRequestException;
import io.keywatch.kv.KeyRange;
import io.keywatch.kv.KeyValue;
import io.keywatch.kv.LeaseNotFoundException;
import io.keywatch.kv.PutResult;
import io.keywatch.kv.RangeQuery;
import io.keywatch.kv.TxnOp;
import io.keywatch.kv.TxnOpResult;
import io.keywatch.kv.TxnRequest;
import io.keywatch.kv.TxnResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * One run of etcd's {@link TxnRequest} inside an open transaction, in etcd's steps:
 *
 * <ol>
 *   <li>take the writers' lock, so nothing changes from the compares to the commit;
 *   <li>decide every branch, nested ones included, on the store as it is now (etcd's compareToPath:
 *       a nested compare never sees the outer transaction's writes);
 *   <li>check the chosen operations: puts that keep a value or lease need the key, puts with a
 *       lease need the lease, reads at a revision need it between the compacted and the current
 *       one;
 *   <li>run them in order: each write takes the next revision (the first one's marks all of them as
 *       one transaction for watchers), each read sees the writes before it.
 * </ol>
 *
 * Any refusal throws, and the caller rolls everything back.
 */
final class TxnRequestRun {

  /** The branch a transaction takes, and those of the nested transactions in it, in order. */
  private record Path(boolean succeeded, List<Path> nested) {}

  private final Connection c;
  private final PgStatements statements;
  private long current;
  private long txnRevision;

  TxnRequestRun(Connection c, PgStatements statements) {
    this.c = c;
    this.statements = statements;
  }

  TxnResponse run(TxnRequest txn) throws SQLException {
    current = statements.lock(c);
    long compacted = statements.revisions(c).compacted();
    Path path = decide(txn);
    List<TxnOp> chosen = new ArrayList<>();
    collect(txn, path, chosen);
    for (TxnOp op : chosen) {
      if (op instanceof TxnRequest.Put put) {
        if ((put.ignoreValue() || put.ignoreLease()) && live(put.key()) == null) {
          throw new InvalidRequestException(InvalidRequestException.Reason.KEY_NOT_FOUND);
        }
        if (put.lease() != 0 && !leaseExists(put.lease())) {
          throw new LeaseNotFoundException(put.lease());
        }
      }
    }
    for (TxnOp op : chosen) {
      if (op instanceof RangeQuery q && q.revision() > 0) {
        if (q.revision() > current) {
          throw new FutureRevisionException(q.revision(), current);
        }
        if (q.revision() < compacted) {
          throw new CompactedException(q.revision(), compacted);
        }
      }
    }
    return apply(txn, path);
  }

  private Path decide(TxnRequest txn) throws SQLException {
    boolean succeeded = true;
    for (TxnRequest.Compare compare : txn.compare()) {
      if (!holds(compare)) {
        succeeded = false;
        break;
      }
    }
    List<Path> nested = new ArrayList<>();
    for (TxnOp op : succeeded ? txn.success() : txn.failure()) {
      if (op instanceof TxnRequest inner) {
        nested.add(decide(inner));
      }
    }
    return new Path(succeeded, nested);
  }

  /** The operations of the chosen branches, depth first in order, into {@code ops}. */
  private static void collect(TxnRequest txn, Path path, List<TxnOp> ops) {
    int next = 0;
    for (TxnOp op : path.succeeded() ? txn.success() : txn.failure()) {
      if (op instanceof TxnRequest inner) {
        collect(inner, path.nested().get(next++), ops);
      } else {
        ops.add(op);
      }
    }
  }

  /**
   * A compare holds when every live key of its range satisfies it; a range without live keys
   * compares as a key whose numbers are all 0, and fails a value compare (etcd's applyCompare).
   */
  private boolean holds(TxnRequest.Compare compare) throws SQLException {
    String field =
        switch (compare.target()) {
          case VERSION -> "version";
          case CREATE -> "create_revision";
          case MOD -> "revision";
          case VALUE -> "value";
          case LEASE -> "lease";
        };
    String operator =
        switch (compare.result()) {
          case EQUAL -> "=";
          case NOT_EQUAL -> "<>";
          case GREATER -> ">";
          case LESS -> "<";
        };
    KeyRange range = compare.range();
    try (Timed t =
            statements.prepare(c, PgStatements.compare(range.isSingleKey(), field, operator));
        PreparedStatement s = t.statement()) {
      if (compare.target() == TxnRequest.Compare.Target.VALUE) {
        s.setBytes(1, compare.value());
      } else {
        s.setLong(1, compare.number());
      }
      s.setString(2, range.from());
      s.setString(3, range.to());
      s.setLong(4, current);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        if (rs.getLong(1) == 0) {
          return compare.target() != TxnRequest.Compare.Target.VALUE
              && compare.holdsFor(Long.compare(0, compare.number()));
        }
        return rs.getLong(2) == 0;
      }
    }
  }

  private TxnResponse apply(TxnRequest txn, Path path) throws SQLException {
    List<TxnOpResult> responses = new ArrayList<>();
    int next = 0;
    for (TxnOp op : path.succeeded() ? txn.success() : txn.failure()) {
      if (op instanceof RangeQuery q) {
        responses.add(
            new RangeRead(c, statements)
                .run(q, q.revision() > 0 ? q.revision() : current)
                .result(current));
      } else if (op instanceof TxnRequest.Put put) {
        responses.add(put(put));
      } else if (op instanceof TxnRequest.DeleteRange delete) {
        responses.add(deleteRange(delete));
      } else if (op instanceof TxnRequest inner) {
        responses.add(apply(inner, path.nested().get(next++)));
      }
    }
    return new TxnResponse(path.succeeded(), responses, current);
  }

  private PutResult put(TxnRequest.Put put) throws SQLException {
    KeyValue prev = put.prevKv() || put.ignoreValue() || put.ignoreLease() ? live(put.key()) : null;
    if ((put.ignoreValue() || put.ignoreLease()) && prev == null) {
      throw new InvalidRequestException(InvalidRequestException.Reason.KEY_NOT_FOUND);
    }
    try (Timed t = statements.prepare(c, PgStatements.PUT);
        PreparedStatement s = t.statement()) {
      s.setString(1, put.key());
      s.setBytes(2, put.ignoreValue() ? prev.value() : put.value());
      bindTxnRevision(s, 3);
      s.setLong(4, put.ignoreLease() ? prev.lease() : put.lease());
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        KeyValue kv = wrote(PgStatements.keyValue(rs, 1));
        return new PutResult(kv, put.prevKv() ? prev : null);
      }
    }
  }

  private DeleteRangeResult deleteRange(TxnRequest.DeleteRange delete) throws SQLException {
    List<KeyValue> prevKvs = new ArrayList<>();
    long deleted = 0;
    try (Timed t = statements.prepare(c, PgStatements.DELETE_RANGE);
        PreparedStatement s = t.statement()) {
      s.setString(1, delete.range().from());
      s.setString(2, delete.range().to());
      bindTxnRevision(s, 3);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          wrote(PgStatements.keyValue(rs, 1));
          if (txnRevision == 0) {
            txnRevision = rs.getLong(7);
          }
          deleted++;
          if (delete.prevKv()) {
            prevKvs.add(PgStatements.keyValue(rs, 1 + PgStatements.COLUMNS));
          }
        }
      }
    }
    return new DeleteRangeResult(deleted, prevKvs, current);
  }

  private KeyValue wrote(KeyValue kv) {
    current = kv.modRevision();
    if (txnRevision == 0) {
      txnRevision = current;
    }
    return kv;
  }

  private void bindTxnRevision(PreparedStatement s, int index) throws SQLException {
    if (txnRevision == 0) {
      s.setNull(index, Types.BIGINT);
    } else {
      s.setLong(index, txnRevision);
    }
  }

  private boolean leaseExists(long id) throws SQLException {
    try (Timed t = statements.prepare(c, PgStatements.LEASE_EXISTS);
        PreparedStatement s = t.statement()) {
      s.setLong(1, id);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /** The key's live row now (this transaction's writes included), or null. */
  private KeyValue live(String key) throws SQLException {
    try (Timed t = statements.prepare(c, PgStatements.GET);
        PreparedStatement s = t.statement()) {
      s.setString(1, key);
      s.setString(2, key);
      s.setLong(3, Long.MAX_VALUE);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        KeyValue kv = PgStatements.keyValue(rs, 1);
        return kv.isTombstone() ? null : kv;
      }
    }
  }
}
