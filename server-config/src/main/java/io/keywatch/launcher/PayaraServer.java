package io.keywatch.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One Payara Micro process serving one Keywatch WAR at the root context of its port. It is always
 * started with {@code --nocluster} (else Hazelcast multicasts off the machine and servers join each
 * other) and with its temp folder, root folder and log inside the system's work folder.
 *
 * <p>{@link KeywatchSystem} starts two and waits for both; a test that needs one server alone, or
 * one that must start while the store is away (so never becomes ready), uses this directly.
 */
public final class PayaraServer implements AutoCloseable {

  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);
  private static final int LOG_TAIL_LINES = 60;
  /** The JDK's message for a port that is taken, in the stack trace of a failed boot. */
  private static final String BIND_FAILED = "Address already in use";
  /**
   * What Payara logs when it will never be ready although its process may run on: an application
   * that failed to deploy (the server then runs empty), a boot that failed (e.g. the port taken).
   */
  private static final List<String> FATAL_LOG_LINES = List.of(
      "Exception while loading the app", "Exception while deploying the app", "Failed to start, exiting");

  private final ServerRole role;
  private final int port;
  private final Path log;
  private final Process process;

  private PayaraServer(ServerRole role, int port, Path log, Process process) {
    this.role = role;
    this.port = port;
    this.log = log;
    this.process = process;
  }

  /**
   * Starts the process; it is not ready until {@link #awaitReady} returns. Its folders are {@code
   * workDir/<role>/} and its log {@code workDir/logs/<role>.log}.
   */
  public static PayaraServer start(ServerRole role, int port, KeywatchHome home, Path workDir,
      List<String> javaOptions, Map<String, String> systemProperties, Map<String, String> env) {
    Path dir = workDir.resolve(role.label());
    Path rootDir = dir.resolve("root");
    Path tmpDir = dir.resolve("tmp");
    Path log = workDir.resolve("logs").resolve(role.label() + ".log");
    try {
      // a root folder left by an earlier run would deploy its applications again beside ours
      Folders.deleteTree(rootDir);
      Folders.deleteTree(tmpDir);
      Files.createDirectories(tmpDir);
      Files.createDirectories(log.getParent());
      if (Files.exists(log)) {
        // the log of the last run is what one reads after a failed start: keep it one run longer
        Files.move(log, log.resolveSibling(log.getFileName() + ".previous"), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + dir, e);
    }

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(javaOptions);
    command.add("-Djava.io.tmpdir=" + tmpDir);
    systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.addAll(List.of("-jar", home.payaraMicro().toString(),
        "--nocluster",
        "--disablephonehome",
        "--port", String.valueOf(port),
        "--rootdir", rootDir.toString(),
        "--deploy", home.war(role).toString(),
        "--contextroot", "/"));
    Path logging = home.config("logging.properties");
    if (Files.isRegularFile(logging)) {
      command.addAll(List.of("--logproperties", logging.toString()));
    }
    // before boot: the same set after boot restarts a listener that may already take requests
    Path preBoot = home.config(role.label() + "-pre-boot.asadmin");
    if (Files.isRegularFile(preBoot)) {
      command.addAll(List.of("--prebootcommandfile", preBoot.toString()));
    }

    ProcessBuilder pb = new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    try {
      Process process = pb.start();
      process.getOutputStream().close(); // the server reads no input
      return new PayaraServer(role, port, log, process);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the " + role.label() + " server", e);
    }
  }

  /**
   * Waits until the server answers {@code /health/ready} with 200 (MicroProfile Health: the WAR is
   * deployed and its store connection is up). Fails with the tail of the server's log when the
   * process dies or the time is up.
   */
  public void awaitReady(Duration timeout) {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest request = HttpRequest.newBuilder(uri().resolve("/health/ready")).timeout(Duration.ofSeconds(5)).build();
    Instant deadline = Instant.now().plus(timeout);
    String lastAnswer = "no answer yet";
    while (true) {
      if (!process.isAlive()) {
        throw new ServerStartException(role.label() + " server exited with code " + process.exitValue()
            + " before it was ready; its log " + log + " ends with:\n" + logTail());
      }
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
        lastAnswer = "HTTP " + response.statusCode() + " " + response.body();
      } catch (ConnectException e) {
        lastAnswer = "port " + port + " not open yet";
      } catch (IOException e) {
        lastAnswer = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ServerStartException("interrupted while waiting for the " + role.label() + " server");
      }
      failOnFatalLogLine();
      if (Instant.now().isAfter(deadline)) {
        throw new ServerStartException(role.label() + " server not ready after " + timeout + " (last: " + lastAnswer
            + "); its log " + log + " ends with:\n" + logTail());
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ServerStartException("interrupted while waiting for the " + role.label() + " server");
      }
    }
  }

  /** Asks the server to shut down (SIGTERM runs Payara's orderly shutdown), then insists. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Completes when the process has exited, for whatever reason. */
  CompletableFuture<Process> onExit() {
    return process.onExit();
  }

  public URI uri() {
    return URI.create("http://localhost:" + port + "/");
  }

  private boolean logContains(String text) {
    try (Stream<String> lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
      return lines.anyMatch(l -> l.contains(text));
    } catch (IOException e) {
      return false;
    }
  }

  private void failOnFatalLogLine() {
    Optional<String> fatal;
    try (Stream<String> lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
      fatal = lines.filter(l -> FATAL_LOG_LINES.stream().anyMatch(l::contains)).findFirst();
    } catch (IOException e) {
      return; // no log yet
    }
    if (fatal.isPresent() && logContains(BIND_FAILED)) {
      throw new PortInUseException("the " + role.label() + " server cannot listen on port " + port + ": it is already in use; its log "
          + log + " ends with:\n" + logTail());
    }
    if (fatal.isPresent()) {
      throw new ServerStartException("the " + role.label() + " server cannot start (it logged \"" + fatal.get().strip()
          + "\"), because:\n" + causes() + "\nits log " + log + " ends with:\n" + logTail());
    }
  }

  /** The distinct "Caused by" lines of the log: the reasons, which the tail's stack frames hide. */
  private String causes() {
    try (Stream<String> lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
      return lines.filter(l -> l.startsWith("Caused by: ")).map(String::strip).distinct()
          .collect(Collectors.joining("\n  ", "  ", ""));
    } catch (IOException e) {
      return "  (cannot read " + log + ")";
    }
  }

  public Path log() {
    return log;
  }

  /** The last lines of the server's log, for error messages. */
  public String logTail() {
    try {
      List<String> lines = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines()
          .map(l -> l.replaceAll("\u001B\\[[;\\d]*m", "")) // colour codes, in case the console formatter adds them
          .toList();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }
}
