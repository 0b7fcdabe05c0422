package io.keywatch.bench.lab;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The PostgreSQL under Keywatch for the benchmarks: zonky's embedded server with the same binaries
 * the launcher uses. zonky starts {@code postgres -F -c synchronous_commit=off} (fsync off, commits
 * not waited for): fine for tests, not for a comparison with etcd, which fsyncs every commit. A
 * durable server here passes {@code -c fsync=on -c synchronous_commit=on}, which come after {@code
 * -F} on the command line and so win; {@link #durability()} reads back what is in force.
 */
public final class Postgres implements AutoCloseable {

  private final EmbeddedPostgres server;
  private final int port;

  private Postgres(EmbeddedPostgres server, int port) {
    this.server = server;
    this.port = port;
  }

  public static Postgres start(Path dataDir, int port, boolean durable) {
    try {
      deleteTree(dataDir);
      Files.createDirectories(dataDir);
      Path binaries = dataDir.resolveSibling("postgres-binaries");
      Files.createDirectories(binaries);
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder()
              .setDataDirectory(dataDir)
              .setCleanDataDirectory(true)
              .setOverrideWorkingDirectory(binaries.toFile())
              .setPort(port)
              .setPGStartupWait(Duration.ofSeconds(60));
      if (durable) {
        builder.setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on");
      }
      builder.setServerConfig("max_connections", "400");
      return new Postgres(builder.start(), port);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start PostgreSQL on port " + port, e);
    }
  }

  /** The database the Keywatch servers use. */
  public String serverJdbcUrl() {
    return url("postgres");
  }

  public String user() {
    return "postgres";
  }

  /** What a session sees: {@code fsync=on synchronous_commit=on} when durable. */
  public String durability() {
    try (Connection c = admin().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT current_setting('fsync'), current_setting('synchronous_commit'), version()")) {
      rs.next();
      return "fsync="
          + rs.getString(1)
          + " synchronous_commit="
          + rs.getString(2)
          + " ("
          + rs.getString(3).split(",")[0]
          + ")";
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A new empty database with the Keywatch schema; drops an earlier one of the same name. */
  public BenchDatabase freshDatabase(String name, int poolSize) {
    try (Connection c = admin().getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
    BenchDatabase db = existing(name, poolSize);
    Flyway.configure()
        .dataSource(db.unpooled("flyway"))
        .locations("classpath:db/migration")
        .load()
        .migrate();
    return db;
  }

  /** A database that already exists (e.g. the servers', migrated by them). */
  public BenchDatabase existing(String name, int poolSize) {
    return new BenchDatabase(this, name, poolSize);
  }

  /** Starts sampling what the backends of a database do. */
  public PgActivity activity(String database) {
    return new PgActivity(admin(), database);
  }

  PGSimpleDataSource dataSource(String database, String applicationName) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(url(database));
    ds.setUser(user());
    ds.setApplicationName(applicationName);
    return ds;
  }

  HikariDataSource pool(String database, int size) {
    HikariConfig config = new HikariConfig();
    config.setDataSource(dataSource(database, "bench-pool"));
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(size);
    config.setPoolName("bench-" + database);
    return new HikariDataSource(config);
  }

  private String url(String database) {
    return "jdbc:postgresql://localhost:" + port + "/" + database;
  }

  private PGSimpleDataSource admin() {
    return dataSource("postgres", "bench-admin");
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
