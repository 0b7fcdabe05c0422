package io.keywatch.kv.postgres;

import io.keywatch.kv.Changes;
import io.keywatch.kv.KeyValue;
import io.keywatch.kv.KvEvent;
import io.keywatch.kv.Revisions;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.postgresql.PGStatement;

/**
 * Every SQL statement Keywatch runs, by name, and the mapping of their rows. The writes are calls
 * of the functions in {@code sql/}'s {@code R__kv_functions.sql}; this class adds no semantics of
 * its own.
 */
final class PgStatements {

  private static final String ROW =
      "revision, key, value, create_revision, version, prev_revision, txn_revision, created_at, lease";

  /**
   * The columns of {@link #ROW}, so that a row followed by another starts at {@code from +
   * COLUMNS}.
   */
  static final int COLUMNS = 9;

  /**
   * The row each change superseded, looked up by primary key per change. (A plain join lets the
   * planner hash all of kv when it expects many changes, and a generic plan always does: each poll
   * of the watch then read the whole history.)
   */
  private static final String JOIN_PREVIOUS =
      " LEFT JOIN LATERAL (SELECT * FROM kv WHERE revision = %s.prev_revision LIMIT 1) p ON true";

  /** A put: key, value, the transaction's revision (NULL: its own), lease (0: none). */
  static final Sql PUT = new Sql("put", "SELECT " + ROW + " FROM kv_put(?, ?, ?, ?)");

  static final Sql PUT_MANY_WITH_PREVIOUS =
      new Sql(
          "put_many",
          "SELECT (r.put).*, (r.prev).* FROM kv_put_many_with_prev(?, ?, ?) WITH ORDINALITY r ORDER BY r.ordinality");
  static final Sql DELETE =
      new Sql("delete", "SELECT " + ROW + " FROM kv_delete(?, ?) WHERE revision IS NOT NULL");
  static final Sql LOCK = new Sql("lock", "SELECT kv_lock()");
  static final Sql MOD_REVISION =
      new Sql(
          "mod_revision",
          "SELECT CASE WHEN value IS NULL THEN 0 ELSE revision END FROM kv_latest(?) WHERE revision IS NOT NULL");

  /** A key's newest row at a revision; the key as a range, see {@code kv_latest}. */
  static final Sql GET =
      new Sql(
          "get",
          "SELECT "
              + ROW
              + " FROM kv WHERE key >= ? AND key <= ? AND revision <= ? ORDER BY key, revision DESC LIMIT 1");

  static final Sql GET_REVISION =
      new Sql("get_revision", "SELECT " + ROW + " FROM kv WHERE revision = ?");
  static final Sql HISTORY =
      new Sql("history", "SELECT " + ROW + " FROM kv WHERE key = ? ORDER BY revision");

  /** A compaction's steps, see {@code kv_compact} in {@code R__kv_functions.sql}. */
  static final Sql COMPACT_BEGIN = new Sql("compact_begin", "SELECT kv_compact_begin(?)");

  static final Sql COMPACT_STEP = new Sql("compact_step", "SELECT kv_compact_step(?, ?, ?)");
  static final Sql COMPACT_TARGET = new Sql("compact_target", "SELECT kv_compact_target(?)");

  /**
   * An empty store is at revision 1 ({@code V6__etcd_ranges.sql}); a store created between the
   * migrations V1 and V6 is at 0 for a moment, and a follower that read 0 would then see the first
   * write, 2, as a gap.
   */
  static final Sql REVISIONS =
      new Sql("revisions", "SELECT store_id, greatest(current, 1), compacted FROM kv_revision");

  static final Sql CHANGES =
      new Sql(
          "changes",
          "SELECT c.revision, c.key, c.value, c.create_revision, c.version, c.prev_revision, c.txn_revision,"
              + " c.created_at, c.lease, p.revision, p.key, p.value, p.create_revision, p.version, p.prev_revision,"
              + " p.txn_revision, p.created_at, p.lease"
              + " FROM kv c"
              + JOIN_PREVIOUS.formatted("c")
              + " WHERE c.revision > ? AND c.revision <= ? AND c.key >= ? AND c.key < ?"
              + " ORDER BY c.revision LIMIT ?");

  /**
   * The store's revisions and the changes after a revision, in one statement and so one snapshot.
   */
  static final Sql REVISIONS_AND_CHANGES =
      new Sql(
          "revisions_and_changes",
          "SELECT r.store_id, greatest(r.current, 1), r.compacted, c.revision, c.key, c.value, c.create_revision, c.version,"
              + " c.prev_revision, c.txn_revision, c.created_at, c.lease, p.revision, p.key, p.value, p.create_revision,"
              + " p.version, p.prev_revision, p.txn_revision, p.created_at, p.lease"
              + " FROM kv_revision r"
              + " LEFT JOIN LATERAL (SELECT * FROM kv WHERE revision > ? ORDER BY revision LIMIT ?) c ON true"
              + JOIN_PREVIOUS.formatted("c")
              + " ORDER BY c.revision");

  static final Sql LEASE_GRANT =
      new Sql("lease_grant", "SELECT id, ttl, expires_at FROM kv_lease_grant(?, ?)");
  static final Sql LEASE_RENEW =
      new Sql("lease_renew", "SELECT id, ttl, expires_at FROM kv_lease_renew(?)");
  static final Sql LEASE_REVOKE =
      new Sql(
          "lease_revoke",
          "SELECT (r.put).*, (r.prev).* FROM kv_lease_revoke(?) WITH ORDINALITY r ORDER BY r.ordinality");
  static final Sql LEASE_EXPIRE = new Sql("lease_expire", "SELECT kv_lease_expire(?)");

  /**
   * The granted TTL and the whole seconds left (truncated, as etcd reports them) of a lease not yet
   * expired.
   */
  static final Sql LEASE_TIME_TO_LIVE =
      new Sql(
          "lease_time_to_live",
          "SELECT ttl, floor(extract(epoch FROM expires_at - now()))::bigint FROM lease WHERE id = ? AND expires_at > now()");

  static final Sql LEASE_KEYS = new Sql("lease_keys", "SELECT kv_lease_keys(?)");
  static final Sql LEASE_EXISTS =
      new Sql("lease_exists", "SELECT EXISTS (SELECT 1 FROM lease WHERE id = ?)");
  static final Sql LEASES =
      new Sql("leases", "SELECT id FROM lease WHERE expires_at > now() ORDER BY expires_at, id");
  static final Sql CHANGES_OF_TXN =
      new Sql(
          "changes_of_txn",
          CHANGES
              .text()
              .replace("ORDER BY", "AND c.txn_revision = ? ORDER BY")
              .replace("LIMIT ?", ""));

  /**
   * The live rows of a key range at a revision ({@link io.keywatch.kv.KeyRange#from()} to {@code
   * to()}, then {@code at}, an SQL expression), read from kv_key_revision: the newest row of each
   * key, without tombstones. A single key takes its newest row only (LIMIT 1), so a key with a long
   * history costs one index entry.
   */
  private static String live(boolean singleKey, String at) {
    return "SELECT * FROM (SELECT "
        + (singleKey ? "" : "DISTINCT ON (key) ")
        + ROW
        + " FROM kv WHERE key >= ? AND key < ? AND revision <= "
        + at
        + " ORDER BY key, revision DESC"
        + (singleKey ? " LIMIT 1" : "")
        + ") latest WHERE value IS NOT NULL";
  }

  /**
   * The store's revisions as the CTE {@code rev} of a read, and the revision it reads at: parameter
   * 3, NULL for the current one. One statement is one snapshot, so the revisions a read is checked
   * against are those its rows were read at, with no transaction around it (four round trips: the
   * isolation level, the revisions, the read and the commit, for one).
   */
  private static final String WITH_REVISIONS =
      "WITH rev (store_id, current, compacted) AS (" + REVISIONS.text() + ")";

  private static final String AT_OR_CURRENT = "(SELECT coalesce(?, current) FROM rev)";

  /**
   * The columns of {@link #WITH_REVISIONS} that lead a read's rows: store id, current, compacted.
   */
  static final int REVISION_COLUMNS = 3;

  /**
   * How many live keys a range holds at a revision (etcd's count_only), after the store's revisions
   * (parameters 1 to 3: from, to, at or NULL).
   */
  static Sql countRange(boolean singleKey) {
    return new Sql(
        "count_range",
        WITH_REVISIONS
            + " SELECT rev.*, (SELECT count(*) FROM ("
            + live(singleKey, AT_OR_CURRENT)
            + ") live) FROM rev");
  }

  /**
   * etcd's Range in one statement: the store's revisions and the count of the whole range
   * (parameters 1 to 3: from, to, at or NULL for the current revision) on each row, then the rows
   * that pass the mod and create revision filters (4: min mod, 5 and 6: max mod, 7: min create, 8
   * and 9: max create; 0 = open), in {@code order} (a fixed clause of {@link RangeRead}), at most
   * parameter 10 of them (NULL: all). When nothing passes, one row of NULLs with the revisions and
   * the count; the values are left out for keys_only.
   */
  static Sql range(boolean singleKey, String order, boolean keysOnly) {
    return new Sql(
        "range",
        WITH_REVISIONS
            + ", live AS MATERIALIZED ("
            + live(singleKey, AT_OR_CURRENT)
            + ")"
            + " SELECT rev.*, r.revision, r.key, "
            + (keysOnly ? "''::bytea" : "r.value")
            + ", r.create_revision, r.version, r.prev_revision, r.txn_revision, r.created_at, r.lease, (SELECT count(*) FROM live)"
            + " FROM rev LEFT JOIN LATERAL (SELECT * FROM live"
            + " WHERE revision >= ? AND (? = 0 OR revision <= ?) AND create_revision >= ? AND (? = 0 OR create_revision <= ?)"
            + " ORDER BY "
            + order
            + " LIMIT ?) r ON true ORDER BY "
            + order);
  }

  /**
   * The REST API's list: the store's revisions, then every live key of a range in key order
   * (parameters 1 to 3: from, to, at or NULL for the current revision); one row of NULLs with the
   * revisions when there is none. No count and no filters, so unlike {@link #range} its generic
   * plan, one index range scan, is as good as a custom one and it is prepared once.
   */
  static final Sql LIST =
      new Sql(
          "list",
          WITH_REVISIONS
              + " SELECT rev.*, r.* FROM rev LEFT JOIN LATERAL ("
              + live(false, AT_OR_CURRENT)
              + ") r ON true ORDER BY r.key");

  /**
   * A compare of a transaction on a range: how many live keys it holds and how many of them fail
   * {@code field operator ?} (parameter 1; {@code field} and {@code operator} are fixed strings of
   * {@link TxnRequestRun}); parameters 2 to 4 are the range's from, to and revision.
   */
  static Sql compare(boolean singleKey, String field, String operator) {
    return new Sql(
        "compare",
        "SELECT count(*), count(*) FILTER (WHERE NOT ("
            + field
            + " "
            + operator
            + " ?))"
            + " FROM ("
            + live(singleKey, "?")
            + ") live");
  }

  static final Sql DELETE_RANGE =
      new Sql(
          "delete_range",
          "SELECT (r.tombstone).*, (r.prev).* FROM kv_delete_range(?, ?, ?) WITH ORDINALITY r ORDER BY r.ordinality");

  /** An SQL statement and the name its timer carries. */
  record Sql(String name, String text) {}

  private final StatementTimings timings;

  PgStatements(StatementTimings timings) {
    this.timings = timings;
  }

  /** Prepares a statement whose time, until it is closed, counts for its name. */
  Timed prepare(Connection c, Sql sql) throws SQLException {
    long start = System.nanoTime();
    return new Timed(c.prepareStatement(sql.text()), sql.name(), timings, start);
  }

  /** Reads where the store stands, in the caller's transaction. */
  Revisions revisions(Connection c) throws SQLException {
    try (Timed t = prepare(c, REVISIONS);
        PreparedStatement s = t.statement();
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return revisions(rs);
    }
  }

  /**
   * The revisions in a row's first columns, as {@link #REVISIONS} and {@link #WITH_REVISIONS} give
   * them.
   */
  static Revisions revisions(ResultSet rs) throws SQLException {
    return new Revisions(rs.getObject(1, UUID.class), rs.getLong(2), rs.getLong(3));
  }

  /** Takes the writers' lock for the caller's transaction; returns the current revision. */
  long lock(Connection c) throws SQLException {
    try (Timed t = prepare(c, LOCK);
        PreparedStatement s = t.statement();
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The row a write superseded, by its revision: null for none (0) or when it was compacted. */
  KeyValue previous(Connection c, long prevRevision) throws SQLException {
    if (prevRevision == 0) {
      return null;
    }
    try (Timed t = prepare(c, GET_REVISION);
        PreparedStatement s = t.statement()) {
      s.setLong(1, prevRevision);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? keyValue(rs, 1) : null;
      }
    }
  }

  /**
   * The store's revisions and the changes after {@code after}, oldest first, at most about {@code
   * limit} (a transaction cut by the limit is completed), read in one round trip. The watch's poll:
   * with autocommit on, the first statement is one snapshot, so the revisions and the changes
   * agree.
   */
  Changes revisionsAndChanges(Connection c, long after, int limit) throws SQLException {
    Revisions revisions = null;
    List<KvEvent> events = new ArrayList<>();
    try (Timed t = prepare(c, REVISIONS_AND_CHANGES);
        PreparedStatement s = t.statement()) {
      s.setLong(1, after);
      s.setInt(2, limit);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          if (revisions == null) {
            revisions = new Revisions(rs.getObject(1, UUID.class), rs.getLong(2), rs.getLong(3));
          }
          rs.getLong(4);
          if (!rs.wasNull()) {
            events.add(event(rs, 4));
          }
        }
      }
    }
    if (events.size() == limit) {
      KvEvent last = events.get(events.size() - 1);
      try (Timed t = prepare(c, CHANGES_OF_TXN);
          PreparedStatement s = t.statement()) {
        bindRange(s, last.revision(), revisions.current(), "/");
        s.setLong(5, last.txnRevision());
        readEvents(s, events);
      }
    }
    return new Changes(revisions, events);
  }

  /**
   * The changes in (after, upTo] under a prefix, oldest first, at most about {@code limit}: if the
   * limit cuts a transaction, the rest of it is read too. The caller checks compaction first, in
   * the same snapshot.
   */
  List<KvEvent> changes(Connection c, long after, long upTo, String prefix, int limit)
      throws SQLException {
    List<KvEvent> events = new ArrayList<>();
    try (Timed t = prepare(c, CHANGES);
        PreparedStatement s = t.statement()) {
      // planned for its own range each time, never server-prepared: one generic plan for all ranges
      // walks the prefix's whole history by key (kv_key_revision), a few revisions or a million
      s.unwrap(PGStatement.class).setPrepareThreshold(0);
      bindRange(s, after, upTo, prefix);
      s.setInt(5, limit);
      readEvents(s, events);
    }
    if (events.size() == limit) {
      KvEvent last = events.get(events.size() - 1);
      try (Timed t = prepare(c, CHANGES_OF_TXN);
          PreparedStatement s = t.statement()) {
        bindRange(s, last.revision(), upTo, prefix);
        s.setLong(5, last.txnRevision());
        readEvents(s, events);
      }
    }
    return events;
  }

  private static void bindRange(PreparedStatement s, long after, long upTo, String prefix)
      throws SQLException {
    s.setLong(1, after);
    s.setLong(2, upTo);
    s.setString(3, prefix);
    s.setString(4, prefixEnd(prefix));
  }

  private static void readEvents(PreparedStatement s, List<KvEvent> into) throws SQLException {
    try (ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        into.add(event(rs, 1));
      }
    }
  }

  /** An event from a row followed by its previous row's columns (NULLs when there is none). */
  private static KvEvent event(ResultSet rs, int from) throws SQLException {
    KeyValue kv = keyValue(rs, from);
    rs.getLong(from + COLUMNS);
    KeyValue prev = rs.wasNull() ? null : keyValue(rs, from + COLUMNS);
    return KvEvent.of(kv, prev, rs.getLong(from + 6));
  }

  /**
   * The smallest string above every string with this prefix, in byte order (the column's collation
   * is "C"): the prefix with its last character incremented. Keys never hold U+FFFF, so a prefix
   * never needs to carry.
   */
  static String prefixEnd(String prefix) {
    int last = prefix.codePointBefore(prefix.length());
    return prefix.substring(0, prefix.length() - Character.charCount(last))
        + new String(Character.toChars(last + 1));
  }

  static KeyValue keyValue(ResultSet rs, int from) throws SQLException {
    Timestamp createdAt = rs.getTimestamp(from + 7);
    return new KeyValue(
        rs.getString(from + 1),
        rs.getBytes(from + 2),
        rs.getLong(from + 3),
        rs.getLong(from),
        rs.getLong(from + 4),
        createdAt.toInstant(),
        rs.getLong(from + 8));
  }

  static Array textArray(Connection c, List<String> values) throws SQLException {
    return c.createArrayOf("text", values.toArray());
  }

  static Array bigintArray(Connection c, List<Long> values) throws SQLException {
    return c.createArrayOf("bigint", values.toArray());
  }

  static Array byteaArray(Connection c, List<byte[]> values) throws SQLException {
    return c.createArrayOf("bytea", values.toArray(new byte[0][]));
  }
}
