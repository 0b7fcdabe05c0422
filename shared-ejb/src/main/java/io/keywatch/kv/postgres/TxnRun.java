package io.keywatch.kv.postgres;

import io.keywatch.kv.KeyValue;
import io.keywatch.kv.KvEvent;
import io.keywatch.kv.Txn;
import io.keywatch.kv.TxnResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * One run of a {@link Txn} inside an open transaction:
 *
 * <ol>
 *   <li>take the writers' lock, so nothing changes between the compares and the writes;
 *   <li>evaluate the compares against the keys' newest rows;
 *   <li>apply the chosen branch; its first write's revision marks all its writes as one transaction
 *       for watchers.
 * </ol>
 */
final class TxnRun {

  private final Connection c;
  private final PgStatements statements;
  private long txnRevision;

  TxnRun(Connection c, PgStatements statements) {
    this.c = c;
    this.statements = statements;
  }

  TxnResult run(Txn txn) throws SQLException {
    long revision = statements.lock(c);
    boolean succeeded = true;
    for (Txn.Compare compare : txn.compares()) {
      succeeded &= modRevision(compare.key()) == compare.modRevision();
    }
    List<KvEvent> events = new ArrayList<>();
    for (Txn.Op op : succeeded ? txn.success() : txn.failure()) {
      KvEvent event = apply(op);
      if (event != null) {
        events.add(event);
        revision = event.revision();
      }
    }
    return new TxnResult(succeeded, revision, events);
  }

  private long modRevision(String key) throws SQLException {
    try (Timed t = statements.prepare(c, PgStatements.MOD_REVISION);
        PreparedStatement s = t.statement()) {
      s.setString(1, key);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  private KvEvent apply(Txn.Op op) throws SQLException {
    boolean isPut = op instanceof Txn.Put;
    KeyValue kv;
    long prevRevision;
    try (Timed t = statements.prepare(c, isPut ? PgStatements.PUT : PgStatements.DELETE);
        PreparedStatement s = t.statement()) {
      s.setString(1, op.key());
      if (op instanceof Txn.Put put) {
        s.setBytes(2, put.value());
        s.setLong(4, 0); // attached to no lease
      }
      if (txnRevision == 0) {
        s.setNull(isPut ? 3 : 2, Types.BIGINT);
      } else {
        s.setLong(isPut ? 3 : 2, txnRevision);
      }
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        kv = PgStatements.keyValue(rs, 1);
        prevRevision = rs.getLong(6);
      }
    }
    if (txnRevision == 0) {
      txnRevision = kv.modRevision();
    }
    return KvEvent.of(kv, statements.previous(c, prevRevision), txnRevision);
  }
}
