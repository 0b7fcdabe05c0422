package io.keywatch.kv.postgres;

import io.keywatch.kv.KeyRange;
import io.keywatch.kv.KeyValue;
import io.keywatch.kv.RangeQuery;
import io.keywatch.kv.RangeResult;
import io.keywatch.kv.Revisions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGStatement;

/**
 * etcd's Range in SQL, and the REST API's list, in one statement on the caller's connection: in
 * autocommit mode for {@link PgKvStore}'s reads, where the statement's snapshot holds the store's
 * revisions and the rows alike; in the writing transaction for a range inside a txn (which then
 * sees the txn's earlier writes).
 */
final class RangeRead {

  /** The rows of a range and the store's revisions, as one statement read them. */
  record Answer(Revisions store, List<KeyValue> kvs, long count, boolean more) {

    /** etcd's answer, with {@code revision} in its header. */
    RangeResult result(long revision) {
      return new RangeResult(kvs, count, more, revision);
    }
  }

  private final Connection c;
  private final PgStatements statements;

  RangeRead(Connection c, PgStatements statements) {
    this.c = c;
    this.statements = statements;
  }

  /**
   * @param at the revision to read at, 0 for the store's current one; the caller checks it against
   *     the answer's revisions
   */
  Answer run(RangeQuery q, long at) throws SQLException {
    KeyRange range = q.range();
    if (q.countOnly()) {
      try (Timed t = statements.prepare(c, PgStatements.countRange(range.isSingleKey()));
          PreparedStatement s = t.statement()) {
        bindRange(s, range, at);
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          return new Answer(
              PgStatements.revisions(rs),
              List.of(),
              rs.getLong(1 + PgStatements.REVISION_COLUMNS),
              false);
        }
      }
    }
    PgStatements.Sql sql = PgStatements.range(range.isSingleKey(), orderBy(q), q.keysOnly());
    try (Timed t = statements.prepare(c, sql);
        PreparedStatement s = t.statement()) {
      if (!range.isSingleKey()) {
        // planned for its own bounds each time: one generic plan cannot serve a narrow prefix and
        // every key (a single key has a statement of its own, one index probe, planned once)
        s.unwrap(PGStatement.class).setPrepareThreshold(0);
      }
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
      Revisions store = null;
      List<KeyValue> kvs = new ArrayList<>();
      long count = 0;
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          if (store == null) {
            // the same on every row, as the count
            store = PgStatements.revisions(rs);
            count = rs.getLong(1 + PgStatements.REVISION_COLUMNS + PgStatements.COLUMNS);
          }
          addKeyValue(rs, kvs);
        }
      }
      boolean more = q.limit() > 0 && kvs.size() > q.limit();
      return new Answer(store, more ? kvs.subList(0, (int) q.limit()) : kvs, count, more);
    }
  }

  /**
   * Every live key of {@code range} at {@code at} (0: the current revision) in key order: the REST
   * API's list, which needs neither etcd's count nor its filters.
   */
  Answer list(KeyRange range, long at) throws SQLException {
    try (Timed t = statements.prepare(c, PgStatements.LIST);
        PreparedStatement s = t.statement()) {
      bindRange(s, range, at);
      Revisions store = null;
      List<KeyValue> kvs = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          if (store == null) {
            store = PgStatements.revisions(rs);
          }
          addKeyValue(rs, kvs);
        }
      }
      return new Answer(store, kvs, kvs.size(), false);
    }
  }

  /** Adds the key-value after a row's revisions, unless the row is the one of NULLs (no key). */
  private static void addKeyValue(ResultSet rs, List<KeyValue> kvs) throws SQLException {
    int at = 1 + PgStatements.REVISION_COLUMNS;
    rs.getLong(at);
    if (!rs.wasNull()) {
      kvs.add(PgStatements.keyValue(rs, at));
    }
  }

  private static void bindRange(PreparedStatement s, KeyRange range, long at) throws SQLException {
    s.setString(1, range.from());
    s.setString(2, range.to());
    if (at > 0) {
      s.setLong(3, at);
    } else {
      s.setNull(3, Types.BIGINT);
    }
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
