package io.keywatch.launcher;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The embedded PostgreSQL of a Keywatch system (zonky's binaries). Its data folder is kept, so the
 * store survives restarts of the launcher; {@link #stop()} and {@link #start()} bring the same
 * database down and up again on the same port, which fault tests use to take the store away.
 */
public final class EmbeddedDatabase {

  private final Path dataDir;
  private final Path binariesDir;
  private final Path log;
  private final int port;
  private EmbeddedPostgres postgres; // guarded by this

  EmbeddedDatabase(Path dataDir, Path binariesDir, Path log, int port) {
    this.dataDir = dataDir.toAbsolutePath().normalize();
    this.binariesDir = binariesDir.toAbsolutePath().normalize();
    this.log = log.toAbsolutePath().normalize();
    this.port = port;
  }

  /** Starts PostgreSQL on its port with its data folder (initialised on the first start). */
  public synchronized void start() {
    if (postgres != null) {
      return;
    }
    try {
      Files.createDirectories(dataDir);
      Files.createDirectories(binariesDir);
      Files.createDirectories(log.getParent());
      postgres = EmbeddedPostgres.builder()
          .setDataDirectory(dataDir)
          .setCleanDataDirectory(false)
          .setOverrideWorkingDirectory(binariesDir.toFile())
          .setPort(port)
          .setPGStartupWait(Duration.ofSeconds(60))
          // zonky starts PostgreSQL with -F and synchronous_commit=off, made for throwaway test
          // databases: a store must not lose acknowledged writes in a crash
          .setServerConfig("fsync", "on")
          .setServerConfig("synchronous_commit", "on")
          // PostgreSQL's own output goes beside the servers' logs, not into the launcher's console
          .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
          // the system closes it in order (servers first); zonky's own hook would race with that
          .setRegisterShutdownHook(false)
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start embedded PostgreSQL on port " + port + " with data in " + dataDir
          + " (see " + log + ")", e);
    }
  }

  /** Stops PostgreSQL (a fast shutdown: open connections are cut, as in a crash of the server). */
  public synchronized void stop() {
    if (postgres == null) {
      return;
    }
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stop embedded PostgreSQL on port " + port, e);
    } finally {
      postgres = null;
    }
  }

  public synchronized boolean isRunning() {
    return postgres != null;
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://localhost:" + port + "/postgres";
  }

  /** zonky's cluster trusts local connections as {@code postgres}, without a password. */
  public String user() {
    return "postgres";
  }
}
