package io.keywatch.testing;

import io.keywatch.launcher.Folders;
import io.keywatch.launcher.KeywatchHome;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The launcher run as a user runs it ({@code java -jar keywatch-launcher.jar}, settings in the
 * environment), in a process of its own: for tests of what the user sees, the start-up lines, the
 * generated API key, Ctrl-C, and restarts on the same data.
 */
public final class LauncherProcess implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofMinutes(4);
  private static final Duration STOP_TIMEOUT = Duration.ofMinutes(1);

  /** The last line the launcher prints once it is up. */
  private static final String READY = "Press Ctrl-C to stop";

  private final Process process;
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private final Map<String, String> env;
  private final Path dataDir;
  private final List<String> output = new CopyOnWriteArrayList<>();

  private LauncherProcess(Process process, Map<String, String> env, Path dataDir) {
    this.process = process;
    this.env = env;
    this.dataDir = dataDir;
  }

  /** An empty data folder for a launcher of this name, under this JVM's run folder. */
  public static Path freshDataDir(String name) {
    Path dir = Keywatch.runDir().resolve(name);
    Folders.deleteTree(dir);
    return dir;
  }

  /**
   * A port nobody listens on now, and not handed out before in this JVM: the system may give the
   * same free port twice in a row, and two listeners of one launcher must not be given one port.
   */
  public static int freePort() {
    while (true) {
      try (ServerSocket s = new ServerSocket(0)) {
        if (HANDED_OUT.add(s.getLocalPort())) {
          return s.getLocalPort();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Starts the launcher with {@code KEYWATCH_DATA_DIR=dataDir} and the given environment, and
   * returns once it has printed that it is ready; fails with its output if it exits or takes too
   * long.
   */
  public static LauncherProcess start(Path dataDir, Map<String, String> environment) {
    Path jar = KeywatchHome.locate().dir().resolve("keywatch-launcher.jar");
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-jar",
                jar.toString())
            .redirectErrorStream(true);
    Map<String, String> env = new HashMap<>(environment);
    env.put("KEYWATCH_DATA_DIR", dataDir.toString());
    env.putIfAbsent("KEYWATCH_SERVER_JAVA_OPTIONS", Keywatch.SERVER_JAVA_OPTIONS);
    // etcd's default port may be taken by a real etcd or another test's launcher
    env.putIfAbsent("KEYWATCH_ETCD_PORT", Integer.toString(freePort()));
    // and the gateway's HTTPS port (9443) by another test's
    env.putIfAbsent("KEYWATCH_PROXY_HTTPS_PORT", Integer.toString(freePort()));
    pb.environment().keySet().removeIf(k -> k.startsWith("KEYWATCH_")); // only what the test says
    pb.environment().putAll(env);
    LauncherProcess launcher;
    try {
      Files.createDirectories(dataDir);
      launcher = new LauncherProcess(pb.start(), env, dataDir);
      launcher.process.getOutputStream().close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the launcher " + jar, e);
    }
    launcher.awaitReady();
    return launcher;
  }

  private void awaitReady() {
    Thread reader = new Thread(this::readOutput, "launcher-output-" + process.pid());
    reader.setDaemon(true);
    reader.start();
    synchronized (output) {
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      while (output.stream().noneMatch(l -> l.startsWith(READY))) {
        long left = deadline - System.nanoTime();
        if (!process.isAlive() || left <= 0) {
          process.destroyForcibly();
          throw new IllegalStateException(
              "the launcher did not get ready ("
                  + (process.isAlive() ? "timed out" : "exited")
                  + "); it printed:\n"
                  + String.join("\n", output));
        }
        try {
          output.wait(
              Math.max(
                  1, TimeUnit.NANOSECONDS.toMillis(Math.min(left, TimeUnit.SECONDS.toNanos(1)))));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
      }
    }
  }

  private void readOutput() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        System.out.println("[launcher] " + line);
        synchronized (output) {
          output.add(line);
          output.notifyAll();
        }
      }
    } catch (IOException e) {
      // the process is gone; what it printed so far is kept
    } finally {
      synchronized (output) {
        output.notifyAll();
      }
    }
  }

  /** Every line the launcher printed so far (its own and errors; the servers log to files). */
  public List<String> output() {
    return new ArrayList<>(output);
  }

  /** The first group of the first printed line that matches. */
  public Optional<String> printed(String regex) {
    Pattern p = Pattern.compile(regex);
    return output.stream().map(p::matcher).filter(Matcher::find).map(m -> m.group(1)).findFirst();
  }

  public Path dataDir() {
    return dataDir;
  }

  /**
   * The processes the launcher started (PostgreSQL, the servers), e.g. to look at what each was
   * given.
   */
  public Stream<ProcessHandle> children() {
    return process.descendants();
  }

  /** A client of this system, with the addresses and the API key the launcher printed. */
  public Keywatch client() {
    String key =
        Optional.ofNullable(env.get("KEYWATCH_API_KEY"))
            .or(() -> printed("API key\\s*:\\s*([0-9a-f]{16,})"))
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "the launcher printed no API key:\n" + String.join("\n", output)));
    return new Keywatch(
        "launcher " + dataDir.getFileName(),
        new Keywatch.Endpoints(
            URI.create(required("admin API\\s*:\\s*(\\S+)")),
            URI.create(required("gateway\\s*:\\s*(\\S+)")),
            URI.create(required("status\\s*:\\s*(\\S+)")),
            key,
            required("store\\s*:\\s*(jdbc:\\S+)"),
            env.getOrDefault("KEYWATCH_JDBC_USER", "postgres"),
            env.getOrDefault("KEYWATCH_JDBC_PASSWORD", ""),
            dataDir.resolve("run").resolve("logs")));
  }

  private String required(String regex) {
    return printed(regex)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "the launcher did not print /" + regex + "/:\n" + String.join("\n", output)));
  }

  /**
   * Stops the launcher as Ctrl-C or a service manager does, by a signal that runs its shutdown hook
   * (SIGTERM: SIGINT may be ignored by a process started in the background), and waits for it to
   * exit; returns its exit code.
   */
  public int stop() {
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            "the launcher did not stop within " + STOP_TIMEOUT + " of SIGTERM");
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Kills the launcher if it still runs (its shutdown hook stops the servers). */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
