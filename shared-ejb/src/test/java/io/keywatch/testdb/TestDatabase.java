package io.keywatch.testdb;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PostgreSQL for tests: the server named by {@code KEYWATCH_TEST_JDBC_URL} (with
 * KEYWATCH_TEST_JDBC_USER / _PASSWORD), or else an embedded one started once per JVM. Every {@link
 * #create()} makes a fresh database with the Keywatch schema, so tests never see each other's
 * revisions. The embedded server can be stopped and started again on the same port and data.
 */
public final class TestDatabase implements AutoCloseable {

  private static final String MIGRATIONS = "classpath:db/migration";
  private static final AtomicInteger NEXT = new AtomicInteger();
  private static Server server;

  private final String name;
  private HikariDataSource pool;

  private TestDatabase(String name) {
    this.name = name;
  }

  /** A new, migrated database. */
  public static TestDatabase create() {
    TestDatabase db = createEmpty();
    db.migrate();
    return db;
  }

  /**
   * A new database migrated up to a versioned migration (e.g. "4": V1 to V4) and without the
   * repeatable ones, as a release that had no repeatable migration left it; {@link #migrate()}
   * brings it up to date. (Flyway applies repeatable migrations whatever the target, so here no
   * file name counts as one.)
   */
  public static TestDatabase createAt(String version) {
    TestDatabase db = createEmpty();
    Flyway.configure()
        .dataSource(db.dataSource())
        .locations(MIGRATIONS)
        .target(version)
        .repeatableSqlMigrationPrefix("no-repeatable-migrations")
        .load()
        .migrate();
    return db;
  }

  private static synchronized TestDatabase createEmpty() {
    if (server == null) {
      server = Server.start();
    }
    String name = "keywatch_test_" + ProcessHandle.current().pid() + "_" + NEXT.incrementAndGet();
    try (Connection c = server.admin().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name, e);
    }
    return new TestDatabase(name);
  }

  /** Whether {@link #stopServer()} is possible: only for the embedded server. */
  public static boolean canRestart() {
    return System.getenv("KEYWATCH_TEST_JDBC_URL") == null;
  }

  /** Stops the embedded server, keeping its data; every connection breaks. */
  public static synchronized void stopServer() {
    server.stop();
  }

  /** Starts the embedded server again, on the same port with the same data. */
  public static synchronized void startServer() {
    server.restart();
  }

  public String jdbcUrl() {
    return server.url(name);
  }

  /** Connections to this database (unpooled). */
  public PGSimpleDataSource dataSource() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(jdbcUrl());
    ds.setUser(server.user);
    ds.setPassword(server.password);
    return ds;
  }

  /** A connection pool on this database, as the server uses. */
  public synchronized DataSource pool() {
    if (pool == null) {
      HikariConfig config = new HikariConfig();
      config.setDataSource(dataSource());
      config.setMaximumPoolSize(16);
      config.setMinimumIdle(1);
      config.setConnectionTimeout(1000);
      config.setPoolName(name);
      pool = new HikariDataSource(config);
    }
    return pool;
  }

  /** Closes the pool and drops the database, whoever is still connected. */
  @Override
  public synchronized void close() {
    if (pool != null) {
      pool.close();
    }
    try (Connection c = server.admin().getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE " + name + " WITH (FORCE)");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop test database " + name, e);
    }
  }

  /** Runs SQL on this database, e.g. to terminate the watch's backend. */
  public void execute(String sql) {
    try (Connection c = dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** Drops and recreates the schema: the store starts over, with a new store id. */
  public void recreate() {
    execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
    migrate();
  }

  /** Applies the pending migrations, as a server does at start. */
  public void migrate() {
    Flyway.configure().dataSource(dataSource()).locations(MIGRATIONS).load().migrate();
  }

  private static final class Server {
    private final String baseUrl;
    private final String user;
    private final String password;
    private final Path dataDir;
    private int port;
    private EmbeddedPostgres embedded;

    private Server(
        String baseUrl, String user, String password, Path dataDir, EmbeddedPostgres embedded) {
      this.baseUrl = baseUrl;
      this.user = user;
      this.password = password;
      this.dataDir = dataDir;
      this.embedded = embedded;
      this.port = embedded == null ? -1 : embedded.getPort();
    }

    static Server start() {
      String url = System.getenv("KEYWATCH_TEST_JDBC_URL");
      if (url != null && !url.isBlank()) {
        return new Server(
            url,
            env("KEYWATCH_TEST_JDBC_USER", "postgres"),
            env("KEYWATCH_TEST_JDBC_PASSWORD", ""),
            null,
            null);
      }
      try {
        // the property, not Files' default: that one is read once, before Surefire sets it
        Path dir =
            Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "keywatch-pg");
        EmbeddedPostgres pg =
            EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false).start();
        Server s = new Server(pg.getJdbcUrl("postgres", "postgres"), "postgres", "", dir, pg);
        Runtime.getRuntime().addShutdownHook(new Thread(s::discard));
        return s;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
      }
    }

    synchronized void stop() {
      if (embedded != null) {
        try {
          embedded.close();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        embedded = null;
      }
    }

    /** Stops the server and deletes its data: every test JVM starts on a new one. */
    synchronized void discard() {
      stop();
      try (Stream<Path> paths = Files.walk(dataDir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete " + dataDir, e);
      }
    }

    synchronized void restart() {
      if (embedded == null) {
        try {
          embedded =
              EmbeddedPostgres.builder()
                  .setDataDirectory(dataDir)
                  .setCleanDataDirectory(false)
                  .setPort(port)
                  .start();
        } catch (IOException e) {
          throw new UncheckedIOException("cannot restart embedded PostgreSQL", e);
        }
      }
    }

    private static String env(String name, String fallback) {
      String v = System.getenv(name);
      return v == null ? fallback : v;
    }

    /** The URL of another database on the same server: the last path segment replaced. */
    String url(String database) {
      int q = baseUrl.indexOf('?');
      String base = q < 0 ? baseUrl : baseUrl.substring(0, q);
      String params = q < 0 ? "" : baseUrl.substring(q);
      return base.substring(0, base.lastIndexOf('/') + 1) + database + params;
    }

    DataSource admin() {
      PGSimpleDataSource ds = new PGSimpleDataSource();
      ds.setUrl(baseUrl);
      ds.setUser(user);
      ds.setPassword(password);
      return ds;
    }
  }
}
