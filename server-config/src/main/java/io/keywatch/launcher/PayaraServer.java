package io.keywatch.launcher;

import io.keywatch.settings.AdminSetting;
import io.keywatch.settings.Catalogue;
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
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

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
  private static final List<String> FATAL_LOG_LINES =
      List.of(
          "Exception while loading the app",
          "Exception while deploying the app",
          "Failed to start, exiting");

  /** Payara Micro's last line of a boot, also of one whose application failed to deploy. */
  private static final Pattern BOOT_ENDED = Pattern.compile("Payara Micro .* ready in ");

  /** How long the reason of a fatal line may take to be logged when the boot's end never comes. */
  private static final Duration REASON_GRACE = Duration.ofSeconds(10);

  /** One check of a {@code /health} body: its name and status. */
  private static final Pattern HEALTH_CHECK =
      Pattern.compile("\"name\"\\s*:\\s*\"([^\"]*)\"\\s*,\\s*\"status\"\\s*:\\s*\"(UP|DOWN)\"");

  /** A health check's data saying that what it reports comes from the store itself. */
  private static final Pattern LIVE = Pattern.compile("\"live\"\\s*:\\s*\"true\"");

  /** The Keywatch WARs name every health check of theirs so. */
  private static final String KEYWATCH_CHECK_PREFIX = "keywatch-";

  /**
   * The gateway's second virtual server, set up by proxy-pre-boot.asadmin, for health, metrics and
   * OpenAPI.
   */
  private static final String STATUS_VIRTUAL_SERVER = "status";

  /** Payara's own TLS listener, disabled until given a port: the gateway's HTTPS port. */
  private static final String HTTPS_LISTENER =
      "set configs.config.server-config.network-config.network-listeners.network-listener.https-listener";

  private final ServerRole role;
  private final Listeners listeners;
  private final Path log;
  private final List<Path> scratch;
  private final Process process;

  /** When {@link #await} first saw a fatal line whose reason may not be logged yet. */
  private Instant fatalSeen;

  private PayaraServer(
      ServerRole role, Listeners listeners, Path log, List<Path> scratch, Process process) {
    this.role = role;
    this.listeners = listeners;
    this.log = log;
    this.scratch = scratch;
    this.process = process;
  }

  /**
   * Where a server listens: its public port, and the status port that serves its health, metrics
   * and OpenAPI when that is not the public one (the gateway's: every path of its data port is a
   * route's). Only the gateway has one, and only the gateway may have an HTTPS port, which serves
   * what its public port serves.
   */
  public record Listeners(Listener main, Optional<Listener> status, Optional<Listener> https) {

    public static Listeners of(Listener main) {
      return new Listeners(main, Optional.empty(), Optional.empty());
    }

    public static Listeners withStatus(Listener main, Listener status) {
      return new Listeners(main, Optional.of(status), Optional.empty());
    }

    public static Listeners withStatusAndHttps(Listener main, Listener status, Listener https) {
      return new Listeners(main, Optional.of(status), Optional.of(https));
    }

    /** Where {@code /health}, {@code /metrics} and {@code /openapi} are served. */
    public Listener health() {
      return status.orElse(main);
    }
  }

  /**
   * Starts the process; it is not ready until {@link #awaitReady} returns. Its folders are {@code
   * workDir/<role>/} and its log {@code workDir/logs/<role>.log}.
   */
  public static PayaraServer start(
      ServerRole role,
      Listeners listeners,
      KeywatchHome home,
      Path workDir,
      List<String> javaOptions,
      Map<String, String> systemProperties,
      Map<String, String> env) {
    if ((role == ServerRole.PROXY) != listeners.status().isPresent()) {
      throw new IllegalArgumentException(
          "the gateway, and only it, has a status listener: " + role.label() + " " + listeners);
    }
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
        Files.move(
            log,
            log.resolveSibling(log.getFileName() + ".previous"),
            StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + dir, e);
    }

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(javaOptions);
    command.add("-Djava.io.tmpdir=" + tmpDir);
    systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.addAll(
        List.of(
            "-jar",
            home.payaraMicro().toString(),
            "--nocluster",
            "--disablephonehome",
            "--port",
            String.valueOf(listeners.main().port()),
            "--rootdir",
            rootDir.toString()));
    if (listeners.status().isEmpty()) {
      command.addAll(List.of("--deploy", home.war(role).toString(), "--contextroot", "/"));
    } else {
      // --deploy would put the WAR on every virtual server, the status one too
      command.addAll(
          List.of(
              "--postbootcommandfile",
              write(
                  dir.resolve("post-boot.asadmin"),
                  List.of(
                      "deploy --virtualservers server --contextroot / --name "
                          + role.war().replace(".war", "")
                          + " "
                          + home.war(role)))));
    }
    Path logging = home.config("logging.properties");
    if (Files.isRegularFile(logging)) {
      command.addAll(List.of("--logproperties", logging.toString()));
    }
    // before boot: the same set after boot restarts a listener that may already take requests
    command.addAll(
        List.of(
            "--prebootcommandfile",
            write(dir.resolve("pre-boot.asadmin"), preBootCommands(role, listeners, home))));

    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    if (!role.holdsApiKey()) {
      // the gateway faces the internet: its environment (inherited from the launcher's, where a
      // user may have set the key) must not hand the admin key to whoever reads
      // /proc/<pid>/environ there
      pb.environment()
          .keySet()
          .removeIf(
              name ->
                  name.equals(Catalogue.envVar(AdminSetting.API_KEY))
                      || name.equals(AdminSetting.API_KEY));
    }
    // glibc keeps up to 8 malloc arenas per core, holding native memory a JVM has freed; two do
    pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
    pb.environment().putAll(env);
    try {
      Process process = pb.start();
      process.getOutputStream().close(); // the server reads no input
      return new PayaraServer(role, listeners, log, List.of(rootDir, tmpDir), process);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the " + role.label() + " server", e);
    }
  }

  /**
   * The role's own pre-boot file from the Keywatch home, then the addresses: the public listener's
   * bind address and, for the gateway, its status listener on the virtual server that file made.
   */
  private static List<String> preBootCommands(
      ServerRole role, Listeners listeners, KeywatchHome home) {
    List<String> commands = new ArrayList<>();
    Path file = home.config(role.label() + "-pre-boot.asadmin");
    if (Files.isRegularFile(file)) {
      try {
        commands.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
    }
    // --nocluster only stops the data grid from joining others: its member still starts, listens
    // on every address (port 6900 up) and costs each server some 4,000 classes. Keywatch uses
    // none of it (no EJB timers, sessions or JCache), so it is switched off.
    commands.add(
        "set configs.config.server-config.hazelcast-config-specific-configuration.enabled=false");
    // Payara rereads every application's deployment every 2 s, to redeploy one whose files
    // changed (dynamic reload, a development aid); Keywatch replaces its WARs only by a restart.
    commands.add(
        "set configs.config.server-config.admin-service.das-config.dynamic-reload-enabled=false");
    commands.add(
        "set configs.config.server-config.network-config.network-listeners.network-listener.http-listener.address="
            + listeners.main().bind());
    listeners
        .https()
        .ifPresent(
            https ->
                commands.addAll(
                    List.of(
                        HTTPS_LISTENER + ".address=" + https.bind(),
                        HTTPS_LISTENER + ".port=" + https.port(),
                        HTTPS_LISTENER + ".enabled=true")));
    listeners
        .status()
        .ifPresent(
            status ->
                commands.add(
                    "create-http-listener --listenerport "
                        + status.port()
                        + " --listeneraddress "
                        + status.bind()
                        + " --defaultvs "
                        + STATUS_VIRTUAL_SERVER
                        + " status-listener"));
    return commands;
  }

  private static String write(Path file, List<String> lines) {
    try {
      Files.write(file, lines, StandardCharsets.UTF_8);
      return file.toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /**
   * Waits until the server answers {@code /health/ready} with 200, on its status port if it has one
   * (MicroProfile Health: the WAR is deployed and its store connection is up). Fails with the tail
   * of the server's log when the process dies or the time is up.
   */
  public void awaitReady(Duration timeout) {
    await(timeout, response -> response.statusCode() == 200);
  }

  /**
   * Waits until {@code /health/ready} is 200 and its data say {@code "live": "true"}: the gateway's
   * routes come from the store through its feed, not from its disk snapshot (with which it is ready
   * while its feed still waits to reconnect to an admin that was deploying).
   */
  public void awaitLive(Duration timeout) {
    await(
        timeout, response -> response.statusCode() == 200 && LIVE.matcher(response.body()).find());
  }

  /**
   * Waits until the WAR is deployed and only waits for the store: {@code /health/ready} is UP, or
   * lists the WAR's checks and every check that is DOWN is one of them (Payara's own "No
   * Application deployed" is DOWN until the WAR serves requests). How the launcher waits while the
   * store is down, when neither server need be ready (the gateway is when it has routes on disk).
   */
  public void awaitDeployed(Duration timeout) {
    await(
        timeout,
        response -> {
          if (response.statusCode() == 200) {
            return true;
          }
          List<String> down = new ArrayList<>();
          boolean ours = false;
          for (Matcher m = HEALTH_CHECK.matcher(response.body()); m.find(); ) {
            ours |= m.group(1).startsWith(KEYWATCH_CHECK_PREFIX);
            if (m.group(2).equals("DOWN")) {
              down.add(m.group(1));
            }
          }
          return ours && down.stream().allMatch(name -> name.startsWith(KEYWATCH_CHECK_PREFIX));
        });
  }

  private void await(Duration timeout, Predicate<HttpResponse<String>> done) {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    HttpRequest request =
        HttpRequest.newBuilder(statusUri().resolve("/health/ready"))
            .timeout(Duration.ofSeconds(5))
            .build();
    Instant deadline = Instant.now().plus(timeout);
    String lastAnswer = "no answer yet";
    while (true) {
      if (!process.isAlive()) {
        failOnFatalLogLine(true);
        throw new ServerStartException(
            role.label()
                + " server exited with code "
                + process.exitValue()
                + " before it was ready; its log "
                + log
                + " ends with:\n"
                + logTail());
      }
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (done.test(response)) {
          return;
        }
        lastAnswer = "HTTP " + response.statusCode() + " " + response.body();
      } catch (ConnectException e) {
        lastAnswer = "port " + listeners.health().port() + " not open yet";
      } catch (IOException e) {
        lastAnswer = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ServerStartException(
            "interrupted while waiting for the " + role.label() + " server");
      }
      failOnFatalLogLine(false);
      if (Instant.now().isAfter(deadline)) {
        throw new ServerStartException(
            role.label()
                + " server not ready after "
                + timeout
                + " (last: "
                + lastAnswer
                + "); its log "
                + log
                + " ends with:\n"
                + logTail());
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ServerStartException(
            "interrupted while waiting for the " + role.label() + " server");
      }
    }
  }

  /**
   * Asks the server to shut down (SIGTERM runs Payara's orderly shutdown), then insists. Once it
   * has exited, its root and temporary folders go: they hold the runtime Payara Micro unpacks at
   * every start (some 100 MB), and only the log is worth keeping.
   */
  @Override
  public void close() {
    if (process.isAlive()) {
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
    if (!process.isAlive()) {
      try {
        scratch.forEach(Folders::deleteTree);
      } catch (UncheckedIOException e) {
        // left for the next start, which deletes these folders before it unpacks again
      }
    }
  }

  /** Completes when the process has exited, for whatever reason. */
  CompletableFuture<Process> onExit() {
    return process.onExit();
  }

  public URI uri() {
    return listeners.main().uri();
  }

  /** Where its health, metrics and OpenAPI are served: {@link #uri()} but for the gateway. */
  public URI statusUri() {
    return listeners.health().uri();
  }

  /** The process id, e.g. to look at what the process was given. */
  public long pid() {
    return process.pid();
  }

  /** Fails with the reason once the log shows a fatal line; {@code exited}: the log is complete. */
  private void failOnFatalLogLine(boolean exited) {
    List<String> lines;
    try {
      lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return; // no log yet
    }
    int at = 0;
    while (at < lines.size() && FATAL_LOG_LINES.stream().noneMatch(lines.get(at)::contains)) {
      at++;
    }
    if (at == lines.size() || !reasonWritten(lines, at, exited)) {
      return;
    }
    if (lines.stream().anyMatch(l -> l.contains(BIND_FAILED))) {
      throw new PortInUseException(
          "the "
              + role.label()
              + " server cannot listen on port "
              + listeners.main().port()
              + listeners.status().map(st -> " or " + st.port()).orElse("")
              + listeners.https().map(h -> " or " + h.port()).orElse("")
              + ": it is already in use; its log "
              + log
              + " ends with:\n"
              + logTail());
    }
    throw new ServerStartException(
        "the "
            + role.label()
            + " server cannot start (it logged \""
            + lines.get(at).strip()
            + "\"), because:\n"
            + causes(lines)
            + "\nits log "
            + log
            + " ends with:\n"
            + logTail());
  }

  /**
   * Whether what the fatal line at {@code at} leads to is all written: the reason ("Caused by")
   * comes after it, in its record's stack trace or in the records that follow. It is when the
   * process has exited, when Payara has logged the end of its boot, or at the latest {@link
   * #REASON_GRACE} after the fatal line was first seen.
   */
  private boolean reasonWritten(List<String> lines, int at, boolean exited) {
    if (exited
        || lines.subList(at + 1, lines.size()).stream()
            .anyMatch(l -> BOOT_ENDED.matcher(l).find())) {
      return true;
    }
    if (fatalSeen == null) {
      fatalSeen = Instant.now();
    }
    return Instant.now().isAfter(fatalSeen.plus(REASON_GRACE));
  }

  /** The distinct "Caused by" lines of the log: the reasons, which the tail's stack frames hide. */
  private static String causes(List<String> lines) {
    return lines.stream()
        .filter(l -> l.startsWith("Caused by: "))
        .map(String::strip)
        .distinct()
        .collect(Collectors.joining("\n  ", "  ", ""));
  }

  public Path log() {
    return log;
  }

  /** The last lines of the server's log, for error messages. */
  public String logTail() {
    try {
      List<String> lines =
          new String(Files.readAllBytes(log), StandardCharsets.UTF_8)
              .lines()
              .map(
                  l ->
                      l.replaceAll(
                          "\u001B\\[[;\\d]*m",
                          "")) // colour codes, in case the console formatter adds them
              .toList();
      return String.join(
          "\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }
}
