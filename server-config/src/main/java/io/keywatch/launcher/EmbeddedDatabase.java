package io.keywatch.launcher;

import io.keywatch.settings.LauncherSetting;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The embedded PostgreSQL of a Keywatch system (zonky's binaries). Its data folder is kept, so the
 * store survives restarts of the launcher; {@link #stop()} and {@link #start()} bring the same
 * database down and up again on the same port, which fault tests use to take the store away.
 *
 * <p>Between {@link #start()} and {@link #stop()} it is supervised: a postmaster that exits by
 * itself (a crash, a kill) is logged ({@code POSTGRES exited}) and started again on the same port
 * and data once the old server's processes have let go of its shared memory (PostgreSQL refuses to
 * start beside them, and zonky keeps its lock after a failed start, so a start is tried only when
 * it can succeed); a restart that fails all the same is retried with a doubling wait. The
 * postmaster is not our child (zonky starts it with {@code pg_ctl}), so its pid comes from {@code
 * postmaster.pid} and its liveness is polled: a handle of a process that is not a child learns of
 * its exit only by polling too, at up to 5 s intervals.
 */
public final class EmbeddedDatabase {

  private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class.getName());

  /**
   * zonky's own logger: it reports the expected failure of {@code pg_ctl stop} on a dead server as
   * an error.
   */
  private static final Logger ZONKY = Logger.getLogger(EmbeddedPostgres.class.getName());

  private final Path dataDir;
  private final Path binariesDir;
  private final Path log;
  private final int port;
  private final Duration checkInterval =
      LauncherConfig.duration(LauncherSetting.POSTGRES_CHECK_INTERVAL);
  private final Duration maxBackoff =
      LauncherConfig.duration(LauncherSetting.POSTGRES_RESTART_BACKOFF_MAX);
  // all guarded by this
  private EmbeddedPostgres postgres;
  private ProcessHandle postmaster;

  /**
   * The System V shared memory id of the running (or last) postmaster, from {@code postmaster.pid}.
   */
  private long sharedMemoryId;

  private ScheduledExecutorService supervisor;

  /**
   * Set from the postmaster's death until it runs again: when it exited, and the restarts since.
   */
  private long exitedAt;

  private int restarts;
  private long nextRestartAt;

  EmbeddedDatabase(Path dataDir, Path binariesDir, Path log, int port) {
    this.dataDir = dataDir.toAbsolutePath().normalize();
    this.binariesDir = binariesDir.toAbsolutePath().normalize();
    this.log = log.toAbsolutePath().normalize();
    this.port = port;
  }

  /**
   * Starts PostgreSQL on its port with its data folder (initialised on the first start), and
   * supervises it.
   */
  public synchronized void start() {
    if (supervisor != null) {
      return;
    }
    launch();
    supervisor =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread t = new Thread(task, "keywatch-postgres-supervisor");
              t.setDaemon(true);
              return t;
            });
    supervisor.scheduleWithFixedDelay(
        this::supervise, checkInterval.toMillis(), checkInterval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void launch() {
    try {
      Files.createDirectories(dataDir);
      Files.createDirectories(binariesDir);
      Files.createDirectories(log.getParent());
      postgres =
          EmbeddedPostgres.builder()
              .setDataDirectory(dataDir)
              .setCleanDataDirectory(false)
              .setOverrideWorkingDirectory(binariesDir.toFile())
              .setPort(port)
              .setPGStartupWait(Duration.ofSeconds(60))
              // zonky starts PostgreSQL with -F and synchronous_commit=off, made for throwaway test
              // databases: a store must not lose acknowledged writes in a crash
              .setServerConfig("fsync", "on")
              .setServerConfig("synchronous_commit", "on")
              // after a crash PostgreSQL syncs its data folder before redo: one syncfs instead
              // of an fsync per file takes seconds off the restart (2.4 s of a 2.8 s restart)
              .setServerConfig("recovery_init_sync_method", "syncfs")
              // PostgreSQL's output goes beside the servers' logs, not to the launcher's console
              .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
              // the system closes it in order (servers first); zonky's hook would race with that
              .setRegisterShutdownHook(false)
              .start();
      postmaster = readPostmaster();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot start embedded PostgreSQL on port "
              + port
              + " with data in "
              + dataDir
              + " (see "
              + log
              + ")",
          e);
    }
  }

  /**
   * The postmaster's process and shared memory, from {@code postmaster.pid} (written before pg_ctl
   * reports the start): line 1 is its pid, line 7 the key and id of its System V segment.
   */
  private ProcessHandle readPostmaster() throws IOException {
    List<String> lines =
        Files.readAllLines(dataDir.resolve("postmaster.pid"), StandardCharsets.US_ASCII);
    String pid = lines.get(0).strip();
    sharedMemoryId = Long.parseLong(lines.get(6).strip().split("\\s+")[1]);
    return ProcessHandle.of(Long.parseLong(pid))
        .orElseThrow(
            () ->
                new IOException(
                    "the postmaster "
                        + pid
                        + " of "
                        + dataDir
                        + " exited as it started (see "
                        + log
                        + ")"));
  }

  /** One look at the postmaster: when it is gone, restart it once the current wait is over. */
  private synchronized void supervise() {
    if (supervisor == null) {
      return; // stopped meanwhile
    }
    long now = System.nanoTime();
    if (postgres != null) {
      if (runs(postmaster)) {
        return;
      }
      LOG.warning(
          () ->
              "POSTGRES exited (pid "
                  + postmaster.pid()
                  + ", port "
                  + port
                  + "), restarting it with data in "
                  + dataDir
                  + "; its log: "
                  + log);
      closeQuietly();
      exitedAt = now;
      restarts = 0;
      nextRestartAt = now;
    }
    if (now - nextRestartAt < 0 || sharedMemoryInUse()) {
      return;
    }
    restarts++;
    try {
      launch();
      int attempts = restarts;
      LOG.warning(
          () ->
              String.format(
                  "POSTGRES restarted (pid %d, port %d) %.1f s after it exited, attempt %d",
                  postmaster.pid(), port, (System.nanoTime() - exitedAt) / 1e9, attempts));
    } catch (RuntimeException e) {
      // typically the old server's backends still hold its shared memory for a moment
      Duration wait = backoff(restarts);
      nextRestartAt = System.nanoTime() + wait.toNanos();
      int attempts = restarts;
      LOG.warning(
          () ->
              "POSTGRES restart failed (attempt "
                  + attempts
                  + "), next in "
                  + wait.toMillis()
                  + " ms: "
                  + e.getMessage());
      closeQuietly();
    }
  }

  /**
   * Whether the process runs: the JDK counts a zombie as alive, and the orphaned postmaster stays
   * one until the machine's init reaps it, which some inits do late or never.
   */
  private static boolean runs(ProcessHandle process) {
    if (!process.isAlive()) {
      return false;
    }
    try {
      String stat =
          Files.readString(
              Path.of("/proc", Long.toString(process.pid()), "stat"), StandardCharsets.US_ASCII);
      char state =
          stat.charAt(
              stat.lastIndexOf(')') + 2); // "pid (comm) S ...", comm may hold spaces and ')'
      return state != 'Z' && state != 'X';
    } catch (IOException | RuntimeException e) {
      return process.isAlive(); // no /proc: the JDK's answer
    }
  }

  /**
   * Whether processes of the exited server (its backends, which notice the postmaster's death on
   * their own) are still attached to its segment: PostgreSQL's own test before it starts.
   */
  private boolean sharedMemoryInUse() {
    try (Stream<String> segments =
        Files.lines(Path.of("/proc/sysvipc/shm"), StandardCharsets.US_ASCII)) {
      // columns: key shmid perms size cpid lpid nattch ...
      return segments
          .skip(1)
          .map(l -> l.strip().split("\\s+"))
          .anyMatch(
              c -> c.length > 6 && c[1].equals(Long.toString(sharedMemoryId)) && !c[6].equals("0"));
    } catch (IOException | UncheckedIOException e) {
      return false; // no such view of the segments: let PostgreSQL's own check decide
    }
  }

  /**
   * The wait after the n-th failed restart: the check interval, doubled each time, at most the
   * maximum.
   */
  private Duration backoff(int failures) {
    Duration wait = checkInterval.multipliedBy(1L << Math.min(failures - 1, 20));
    return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
  }

  /**
   * Releases a crashed (or half-started) server's lock; zonky's {@code pg_ctl stop} has nothing to
   * stop.
   */
  private void closeQuietly() {
    if (postgres == null) {
      return;
    }
    Level level = ZONKY.getLevel();
    ZONKY.setLevel(Level.OFF);
    try {
      postgres.close();
    } catch (IOException e) {
      LOG.log(Level.FINE, "closing the exited PostgreSQL", e);
    } finally {
      ZONKY.setLevel(level);
      postgres = null;
    }
  }

  /**
   * Stops PostgreSQL (a fast shutdown: open connections are cut, as in a crash of the server),
   * unsupervised.
   */
  public synchronized void stop() {
    if (supervisor != null) {
      supervisor.shutdownNow();
      supervisor = null;
    }
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
