package io.keywatch.kv.postgres;

import io.keywatch.kv.KvException;
import io.keywatch.kv.LeaseExistsException;
import io.keywatch.kv.LeaseNotFoundException;
import io.keywatch.kv.StoreUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.postgresql.util.PSQLException;

/**
 * How the adapter runs work on the pool's connections, and the one place where a failure of the
 * database becomes the API's {@link StoreUnavailableException}.
 */
final class Transactions {

  /** Work on a connection. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private final DataSource dataSource;

  Transactions(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Work in autocommit mode: each statement is its own transaction (one round trip each). */
  <T> T autocommit(Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** Work in one READ COMMITTED transaction: the writers' lock orders the writes. */
  <T> T write(Work<T> work) {
    return inTransaction(false, work);
  }

  /** Work in one read-only REPEATABLE READ snapshot. */
  <T> T snapshot(Work<T> work) {
    return inTransaction(true, work);
  }

  /**
   * Setting the level with SQL inside the transaction costs no extra round trip, unlike JDBC's
   * setTransactionIsolation, which the pool would also undo.
   */
  private <T> T inTransaction(boolean snapshot, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        if (snapshot) {
          try (Statement s = c.createStatement()) {
            s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
          }
        }
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /**
   * The API's exception for a failed statement: etcd's lease errors, which the functions of {@code
   * R__kv_functions.sql} raise with SQLSTATEs of their own (the lease id in the detail), else
   * {@link StoreUnavailableException}. The SQLException stays the cause (group commit looks at it).
   */
  static RuntimeException failure(SQLException e) {
    String state = e.getSQLState();
    if ("KW404".equals(state) || "KW409".equals(state)) {
      long id =
          e instanceof PSQLException p && p.getServerErrorMessage() != null
              ? Long.parseLong(p.getServerErrorMessage().getDetail())
              : 0;
      KvException refusal =
          "KW404".equals(state) ? new LeaseNotFoundException(id) : new LeaseExistsException(id);
      refusal.initCause(e);
      return refusal;
    }
    return unavailable(e);
  }

  static StoreUnavailableException unavailable(SQLException e) {
    return new StoreUnavailableException("store unavailable: " + e.getMessage(), e);
  }
}
