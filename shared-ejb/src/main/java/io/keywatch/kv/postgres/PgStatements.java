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
 * Every SQL statement Keywatch runs, by name, and the mapping of their rows. The writes are calls of
 * the functions of the migrations in {@code sql/}; this class adds no semantics of its own.
 */
final class PgStatements {

  private static final String ROW = "revision, key, value, create_revision, version, prev_revision, txn_revision, created_at, lease";
  /** The columns of {@link #ROW}, so that a row followed by another starts at {@code from + COLUMNS}. */
  static final int COLUMNS = 9;

  /**
   * The row each change superseded, looked up by primary key per change. (A plain join lets the
   * planner hash all of kv when it expects many changes, and a generic plan always does: each poll
   * of the watch then read the whole history.)
   */
  private static final String JOIN_PREVIOUS =
      " LEFT JOIN LATERAL (SELECT * FROM kv WHERE revision = %s.prev_revision LIMIT 1) p ON true";

  static final String PUT = "SELECT " + ROW + " FROM kv_put(?, ?, ?)";
  static final String PUT_MANY_WITH_PREVIOUS =
      "SELECT (r.put).*, (r.prev).* FROM kv_put_many_with_prev(?, ?, ?) WITH ORDINALITY r ORDER BY r.ordinality";
  static final String DELETE = "SELECT " + ROW + " FROM kv_delete(?, ?) WHERE revision IS NOT NULL";
  static final String LOCK = "SELECT kv_lock()";
  static final String MOD_REVISION =
      "SELECT CASE WHEN value IS NULL THEN 0 ELSE revision END FROM kv_latest(?) WHERE revision IS NOT NULL";
  /** A key's newest row at a revision; the key as a range, see {@code V4__latest_by_key_range.sql}. */
  static final String GET =
      "SELECT " + ROW + " FROM kv WHERE key >= ? AND key <= ? AND revision <= ? ORDER BY key, revision DESC LIMIT 1";
  static final String GET_REVISION = "SELECT " + ROW + " FROM kv WHERE revision = ?";
  static final String LIST =
      "SELECT * FROM (SELECT DISTINCT ON (key) " + ROW + " FROM kv"
          + " WHERE key >= ? AND key < ? AND revision <= ? ORDER BY key, revision DESC) latest"
          + " WHERE value IS NOT NULL ORDER BY key";
  static final String HISTORY = "SELECT " + ROW + " FROM kv WHERE key = ? ORDER BY revision";
  static final String COMPACT = "SELECT kv_compact(?)";
  static final String COMPACT_BEFORE = "SELECT kv_compact_before(?)";
  static final String REVISIONS = "SELECT store_id, current, compacted FROM kv_revision";
  static final String CHANGES =
      "SELECT c.revision, c.key, c.value, c.create_revision, c.version, c.prev_revision, c.txn_revision,"
          + " c.created_at, c.lease, p.revision, p.key, p.value, p.create_revision, p.version, p.prev_revision,"
          + " p.txn_revision, p.created_at, p.lease"
          + " FROM kv c" + JOIN_PREVIOUS.formatted("c")
          + " WHERE c.revision > ? AND c.revision <= ? AND c.key >= ? AND c.key < ?"
          + " ORDER BY c.revision LIMIT ?";
  /** The store's revisions and the changes after a revision, in one statement and so one snapshot. */
  static final String REVISIONS_AND_CHANGES =
      "SELECT r.store_id, r.current, r.compacted, c.revision, c.key, c.value, c.create_revision, c.version,"
          + " c.prev_revision, c.txn_revision, c.created_at, c.lease, p.revision, p.key, p.value, p.create_revision,"
          + " p.version, p.prev_revision, p.txn_revision, p.created_at, p.lease"
          + " FROM kv_revision r"
          + " LEFT JOIN LATERAL (SELECT * FROM kv WHERE revision > ? ORDER BY revision LIMIT ?) c ON true"
          + JOIN_PREVIOUS.formatted("c")
          + " ORDER BY c.revision";
  static final String LEASE_GRANT = "SELECT id, ttl, expires_at FROM kv_lease_grant(?, ?)";
  static final String LEASE_RENEW = "SELECT id, ttl, expires_at FROM kv_lease_renew(?)";
  static final String LEASE_REVOKE = "SELECT (r.put).*, (r.prev).* FROM kv_lease_revoke(?) WITH ORDINALITY r ORDER BY r.ordinality";
  static final String LEASE_EXPIRE = "SELECT kv_lease_expire(?)";
  /** The granted TTL and the whole seconds left (truncated, as etcd reports them) of a lease not yet expired. */
  static final String LEASE_TIME_TO_LIVE =
      "SELECT ttl, floor(extract(epoch FROM expires_at - now()))::bigint FROM lease WHERE id = ? AND expires_at > now()";
  static final String LEASE_KEYS = "SELECT kv_lease_keys(?)";
  static final String LEASES = "SELECT id FROM lease WHERE expires_at > now() ORDER BY expires_at, id";
  static final String CHANGES_OF_TXN =
      CHANGES.replace("ORDER BY", "AND c.txn_revision = ? ORDER BY").replace("LIMIT ?", "");

  private PgStatements() {}

  /** Reads where the store stands, in the caller's transaction. */
  static Revisions revisions(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(REVISIONS);
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return new Revisions(rs.getObject(1, UUID.class), rs.getLong(2), rs.getLong(3));
    }
  }

  /** Takes the writers' lock for the caller's transaction; returns the current revision. */
  static long lock(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(LOCK);
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The row a write superseded, by its revision: null for none (0) or when it was compacted. */
  static KeyValue previous(Connection c, long prevRevision) throws SQLException {
    if (prevRevision == 0) {
      return null;
    }
    try (PreparedStatement s = c.prepareStatement(GET_REVISION)) {
      s.setLong(1, prevRevision);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? keyValue(rs, 1) : null;
      }
    }
  }

  /**
   * The store's revisions and the changes after {@code after}, oldest first, at most about {@code
   * limit} (a transaction cut by the limit is completed), read in one round trip. The watch's
   * poll: with autocommit on, the first statement is one snapshot, so the revisions and the changes
   * agree.
   */
  static Changes revisionsAndChanges(Connection c, long after, int limit) throws SQLException {
    Revisions revisions = null;
    List<KvEvent> events = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(REVISIONS_AND_CHANGES)) {
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
      try (PreparedStatement s = c.prepareStatement(CHANGES_OF_TXN)) {
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
  static List<KvEvent> changes(Connection c, long after, long upTo, String prefix, int limit)
      throws SQLException {
    List<KvEvent> events = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(CHANGES)) {
      // planned for its own range each time, never server-prepared: one generic plan for all ranges
      // walks the prefix's whole history by key (kv_key_revision), a few revisions or a million
      s.unwrap(PGStatement.class).setPrepareThreshold(0);
      bindRange(s, after, upTo, prefix);
      s.setInt(5, limit);
      readEvents(s, events);
    }
    if (events.size() == limit) {
      KvEvent last = events.get(events.size() - 1);
      try (PreparedStatement s = c.prepareStatement(CHANGES_OF_TXN)) {
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
