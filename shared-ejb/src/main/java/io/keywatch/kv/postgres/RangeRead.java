package io.keywatch.kv.postgres;

import io.keywatch.kv.KeyRange;
import io.keywatch.kv.KeyValue;
import io.keywatch.kv.RangeQuery;
import io.keywatch.kv.RangeResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGStatement;

/**
 * etcd's Range in SQL, in the caller's transaction: a snapshot for {@link PgKvStore#range}, the
 * writing transaction for a range inside a txn (which then sees the txn's earlier writes). The
 * revision has been checked against the compacted and the current one by the caller.
 */
final class RangeRead {

  private final Connection c;
  private final PgStatements statements;

  RangeRead(Connection c, PgStatements statements) {
    this.c = c;
    this.statements = statements;
  }

  /**
   * @param at the revision to read at
   * @param current the store's revision, for the answer's header
   */
  RangeResult run(RangeQuery q, long at, long current) throws SQLException {
    KeyRange range = q.range();
    if (q.countOnly()) {
      try (Timed t = statements.prepare(c, PgStatements.countRange(range.isSingleKey()));
          PreparedStatement s = t.statement()) {
        bindRange(s, range, at);
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          return new RangeResult(List.of(), rs.getLong(1), false, current);
        }
      }
    }
    PgStatements.Sql sql = PgStatements.range(range.isSingleKey(), orderBy(q), q.keysOnly());
    try (Timed t = statements.prepare(c, sql);
        PreparedStatement s = t.statement()) {
      // planned for its own bounds each time: one generic plan cannot serve a single key and every
      // key
      s.unwrap(PGStatement.class).setPrepareThreshold(0);
      bindRange(s, range, at);
      s.setLong(4, q.minModRevision());
      s.setLong(5, q.maxModRevision());
      s.setLong(6, q.maxModRevision());
      s.setLong(7, q.minCreateRevision());
      s.setLong(8, q.maxCreateRevision());
      s.setLong(9, q.maxCreateRevision());
      if (q.limit() > 0) {
        s.setLong(10, q.limit() + 1); // one more than asked tells whether there is more
      } else {
        s.setNull(10, Types.BIGINT);
      }
      List<KeyValue> kvs = new ArrayList<>();
      long count = 0;
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          count = rs.getLong(1 + PgStatements.COLUMNS);
          rs.getLong(1);
          if (!rs.wasNull()) {
            kvs.add(PgStatements.keyValue(rs, 1));
          }
        }
      }
      boolean more = q.limit() > 0 && kvs.size() > q.limit();
      return new RangeResult(more ? kvs.subList(0, (int) q.limit()) : kvs, count, more, current);
    }
  }

  private static void bindRange(PreparedStatement s, KeyRange range, long at) throws SQLException {
    s.setString(1, range.from());
    s.setString(2, range.to());
    s.setLong(3, at);
  }

  /**
   * The ORDER BY of a query, from fixed strings only. Ties of a target other than the key go by
   * key, ascending (etcd's sort is not stable there, so any order of ties is etcd's).
   */
  static String orderBy(RangeQuery q) {
    String direction = q.effectiveOrder() == RangeQuery.SortOrder.DESCEND ? " DESC" : "";
    return switch (q.sortTarget()) {
      case KEY -> "key" + direction;
      case VERSION -> "version" + direction + ", key";
      case CREATE -> "create_revision" + direction + ", key";
      case MOD -> "revision" + direction;
      case VALUE -> "value" + direction + ", key";
    };
  }
}
