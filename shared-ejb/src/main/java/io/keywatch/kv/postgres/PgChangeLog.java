package io.keywatch.kv.postgres;

import io.keywatch.kv.ChangeLog;
import io.keywatch.kv.Changes;
import io.keywatch.kv.Revisions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.postgresql.PGConnection;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@link ChangeLog} on PostgreSQL: each follower is one dedicated connection (never a pooled one: a
 * pool may hand a LISTEN to someone else) that LISTENs on the channel every write notifies (see
 * {@code kv_notify}) and reads with autocommit on, so each read is one statement and one snapshot.
 *
 * <p>A half-open connection, which a blocking wait for notifications never notices (pgjdbc issue
 * 1144), fails the next read within the data source's socket timeout.
 */
public final class PgChangeLog implements ChangeLog {

  /** The channel the write functions notify. */
  static final String CHANNEL = "keywatch";

  private final PGSimpleDataSource dataSource;
  private final PgStatements statements;

  /**
   * Follows through {@code dataSource}'s connections, which it switches to {@link ListenSockets}.
   */
  public PgChangeLog(PGSimpleDataSource dataSource) {
    this(dataSource, StatementTimings.NONE);
  }

  /** The same, telling {@code timings} the time of every read. */
  public PgChangeLog(PGSimpleDataSource dataSource, StatementTimings timings) {
    this.dataSource = ListenSockets.use(dataSource);
    this.statements = new PgStatements(timings);
  }

  /**
   * LISTENs before it returns, so a write that commits before the first read is either read by it
   * or wakes the next wait.
   */
  @Override
  public Follower follow() {
    try {
      Connection c = dataSource.getConnection();
      try (Statement s = c.createStatement()) {
        s.execute("LISTEN " + CHANNEL);
      } catch (SQLException e) {
        c.close();
        throw e;
      }
      return new Listening(c, statements);
    } catch (SQLException e) {
      throw Transactions.unavailable(e);
    }
  }

  private static final class Listening implements Follower {

    private final Connection c;
    private final PGConnection pg;
    private final PgStatements statements;

    Listening(Connection c, PgStatements statements) throws SQLException {
      this.c = c;
      this.pg = c.unwrap(PGConnection.class);
      this.statements = statements;
    }

    @Override
    public Revisions revisions() {
      try {
        return statements.revisions(c);
      } catch (SQLException e) {
        throw Transactions.unavailable(e);
      }
    }

    @Override
    public Changes changesAfter(long revision, int limit) {
      try {
        return statements.revisionsAndChanges(c, revision, limit);
      } catch (SQLException e) {
        throw Transactions.unavailable(e);
      }
    }

    @Override
    public void awaitWrite(Duration timeout) {
      try {
        pg.getNotifications((int) timeout.toMillis());
      } catch (SQLException e) {
        throw Transactions.unavailable(e);
      }
    }

    /** Closing the connection from another thread ends a wait at once. */
    @Override
    public void close() {
      try {
        c.close();
      } catch (SQLException ignored) {
        // the connection is being dropped either way
      }
    }
  }
}
