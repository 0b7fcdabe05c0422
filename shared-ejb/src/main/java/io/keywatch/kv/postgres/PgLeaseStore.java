package io.keywatch.kv.postgres;

import io.keywatch.kv.DeleteResult;
import io.keywatch.kv.KeyValue;
import io.keywatch.kv.Lease;
import io.keywatch.kv.LeaseNotFoundException;
import io.keywatch.kv.LeaseStore;
import io.keywatch.kv.LeaseTimeToLive;
import io.keywatch.kv.LeaseTtlTooLargeException;
import io.keywatch.kv.Revocation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * {@link LeaseStore} on PostgreSQL: each operation is one call of a function of {@code
 * R__kv_functions.sql} on the lease table of {@code V7__leases.sql}, which keeps the expiry times
 * and measures them with the database's clock. A new instance (an admin restarted, or another
 * admin) therefore sees every lease as it stands.
 */
public final class PgLeaseStore implements LeaseStore {

  private final Transactions transactions;
  private final PgStatements statements;
  private final long minTtl;

  /**
   * @param minTtl the shortest TTL granted, in seconds: shorter ones are raised to it
   */
  public PgLeaseStore(DataSource dataSource, long minTtl) {
    this(dataSource, minTtl, StatementTimings.NONE);
  }

  /**
   * @param minTtl the shortest TTL granted, in seconds: shorter ones are raised to it
   * @param timings told the time of every statement run
   */
  public PgLeaseStore(DataSource dataSource, long minTtl, StatementTimings timings) {
    this.transactions = new Transactions(dataSource);
    this.statements = new PgStatements(timings);
    this.minTtl = minTtl;
  }

  @Override
  public Lease grant(long id, long ttl) {
    if (ttl > MAX_TTL) {
      throw new LeaseTtlTooLargeException(ttl);
    }
    long granted = Math.max(ttl, minTtl);
    return transactions.autocommit(
        c -> {
          try (Timed t = statements.prepare(c, PgStatements.LEASE_GRANT);
              PreparedStatement s = t.statement()) {
            s.setLong(1, id);
            s.setLong(2, granted);
            try (ResultSet rs = s.executeQuery()) {
              rs.next();
              return lease(rs);
            }
          }
        });
  }

  @Override
  public Revocation revoke(long id) {
    return transactions.write(
        c -> {
          List<DeleteResult> deleted = new ArrayList<>();
          try (Timed t = statements.prepare(c, PgStatements.LEASE_REVOKE);
              PreparedStatement s = t.statement()) {
            s.setLong(1, id);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                KeyValue tombstone = PgStatements.keyValue(rs, 1);
                rs.getLong(1 + PgStatements.COLUMNS);
                KeyValue prev =
                    rs.wasNull() ? null : PgStatements.keyValue(rs, 1 + PgStatements.COLUMNS);
                deleted.add(new DeleteResult(tombstone, prev));
              }
            }
          }
          long revision =
              deleted.isEmpty()
                  ? statements.revisions(c).current()
                  : deleted.get(deleted.size() - 1).revision();
          return new Revocation(revision, deleted);
        });
  }

  @Override
  public long keepAlive(long id) {
    return transactions.autocommit(
        c -> {
          try (Timed t = statements.prepare(c, PgStatements.LEASE_RENEW);
              PreparedStatement s = t.statement()) {
            s.setLong(1, id);
            try (ResultSet rs = s.executeQuery()) {
              rs.next();
              return lease(rs).ttl();
            }
          }
        });
  }

  @Override
  public LeaseTimeToLive timeToLive(long id, boolean withKeys) {
    return transactions.snapshot(
        c -> {
          long granted;
          long remaining;
          try (Timed t = statements.prepare(c, PgStatements.LEASE_TIME_TO_LIVE);
              PreparedStatement s = t.statement()) {
            s.setLong(1, id);
            try (ResultSet rs = s.executeQuery()) {
              if (!rs.next()) {
                throw new LeaseNotFoundException(id);
              }
              granted = rs.getLong(1);
              remaining = rs.getLong(2);
            }
          }
          return new LeaseTimeToLive(id, granted, remaining, withKeys ? keys(c, id) : List.of());
        });
  }

  private List<String> keys(Connection c, long id) throws SQLException {
    List<String> keys = new ArrayList<>();
    try (Timed t = statements.prepare(c, PgStatements.LEASE_KEYS);
        PreparedStatement s = t.statement()) {
      s.setLong(1, id);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          keys.add(rs.getString(1));
        }
      }
    }
    return keys;
  }

  @Override
  public List<Long> leases() {
    return ids(PgStatements.LEASES, null);
  }

  @Override
  public List<Long> expire(int limit) {
    return ids(PgStatements.LEASE_EXPIRE, limit);
  }

  /** The ids a statement answers, in its one autocommit transaction. */
  private List<Long> ids(PgStatements.Sql sql, Integer parameter) {
    return transactions.autocommit(
        c -> {
          List<Long> ids = new ArrayList<>();
          try (Timed t = statements.prepare(c, sql);
              PreparedStatement s = t.statement()) {
            if (parameter != null) {
              s.setInt(1, parameter);
            }
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                ids.add(rs.getLong(1));
              }
            }
          }
          return ids;
        });
  }

  private static Lease lease(ResultSet rs) throws SQLException {
    return new Lease(rs.getLong(1), rs.getLong(2), rs.getTimestamp(3).toInstant());
  }
}
