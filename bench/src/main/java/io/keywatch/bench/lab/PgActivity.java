package io.keywatch.bench.lab;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * What PostgreSQL's backends of one database do during a run, for the report: a sample of their
 * wait events every few milliseconds (where time goes inside the server, which JFR cannot see), and
 * how many connections each application holds (the servers name theirs: {@code keywatch} is a
 * server's pool, {@code keywatch-watch} a feed's LISTEN connection).
 */
public final class PgActivity implements AutoCloseable {

  private static final long SAMPLE_MILLIS = 5;

  private final DataSource admin;
  private final String database;
  private final Map<String, Integer> waits = new HashMap<>();
  private final Map<String, Integer> connections = new HashMap<>();
  private final Thread sampler;
  private volatile boolean stopped;
  private int samples;

  PgActivity(DataSource admin, String database) {
    this.admin = admin;
    this.database = database;
    this.sampler = new Thread(this::sample, "pg-activity");
    sampler.setDaemon(true);
    sampler.start();
  }

  private void sample() {
    String sql =
        "SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') || ' ' || coalesce(application_name, '')"
            + " FROM pg_stat_activity WHERE datname = '"
            + database
            + "' AND state = 'active' AND pid <> pg_backend_pid()";
    String connected =
        "SELECT coalesce(nullif(application_name, ''), '(unnamed)'), count(*)"
            + " FROM pg_stat_activity WHERE datname = '"
            + database
            + "' AND backend_type = 'client backend' AND pid <> pg_backend_pid() GROUP BY 1";
    try (Connection c = admin.getConnection();
        Statement s = c.createStatement()) {
      while (!stopped) {
        try (ResultSet rs = s.executeQuery(sql)) {
          synchronized (this) {
            samples++;
            while (rs.next()) {
              String what = rs.getString(1).replaceAll(" bench-feed-\\d+", " bench-feed-N");
              waits.merge(what, 1, Integer::sum);
            }
          }
        }
        try (ResultSet rs = s.executeQuery(connected)) {
          synchronized (this) {
            while (rs.next()) {
              connections.merge(rs.getString(1), rs.getInt(2), Math::max);
            }
          }
        }
        Thread.sleep(SAMPLE_MILLIS);
      }
    } catch (SQLException | InterruptedException e) {
      // the run is over
    }
  }

  /** The commonest states of active backends, as average backends per sample. */
  public synchronized String topWaits(int n) {
    int total = Math.max(1, samples);
    return waits.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(n)
        .map(e -> String.format("%s %.2f", e.getKey(), e.getValue() / (double) total))
        .collect(Collectors.joining(", "));
  }

  /** The most connections each application held at once, most first. */
  public synchronized String connections() {
    return connections.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .map(e -> e.getKey() + " " + e.getValue())
        .collect(Collectors.joining(", "));
  }

  @Override
  public void close() throws InterruptedException {
    stopped = true;
    sampler.join();
  }
}
