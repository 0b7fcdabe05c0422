package io.keywatch.kv.postgres;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * A named statement prepared on a connection; closing it closes the statement and records its time.
 */
final class Timed implements AutoCloseable {

  private final PreparedStatement statement;
  private final String name;
  private final StatementTimings timings;
  private final long start;

  Timed(PreparedStatement statement, String name, StatementTimings timings, long start) {
    this.statement = statement;
    this.name = name;
    this.timings = timings;
    this.start = start;
  }

  PreparedStatement statement() {
    return statement;
  }

  @Override
  public void close() throws SQLException {
    try {
      statement.close();
    } finally {
      timings.record(name, System.nanoTime() - start);
    }
  }
}
