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
 *   <li>apply the chosen branch; its first write's revision marks all its writes as one
 *       transaction for watchers.
 * </ol>
 */
final class TxnRun {

  private final Connection c;
  private long txnRevision;

  TxnRun(Connection c) {
    this.c = c;
  }

  TxnResult run(Txn txn) throws SQLException {
    long revision = PgStatements.lock(c);
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
    try (PreparedStatement s = c.prepareStatement(PgStatements.MOD_REVISION)) {
      s.setString(1, key);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  private KvEvent apply(Txn.Op op) throws SQLException {
    PreparedStatement s;
    if (op instanceof Txn.Put put) {
      s = c.prepareStatement(PgStatements.PUT);
      s.setString(1, put.key());
      s.setBytes(2, put.value());
    } else {
      s = c.prepareStatement(PgStatements.DELETE);
      s.setString(1, op.key());
    }
    try (s) {
      if (txnRevision == 0) {
        s.setNull(op instanceof Txn.Put ? 3 : 2, Types.BIGINT);
      } else {
        s.setLong(op instanceof Txn.Put ? 3 : 2, txnRevision);
      }
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        KeyValue kv = PgStatements.keyValue(rs, 1);
        if (txnRevision == 0) {
          txnRevision = kv.modRevision();
        }
        return KvEvent.of(kv, PgStatements.previous(c, rs.getLong(6)), txnRevision);
      }
    }
  }
}
