package io.keywatch.testing;

import static org.awaitility.Awaitility.await;

import io.keywatch.launcher.EmbeddedDatabase;
import io.keywatch.launcher.Folders;
import io.keywatch.launcher.KeywatchSystem;
import io.keywatch.launcher.ServerRole;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.awaitility.core.ConditionFactory;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A running Keywatch system as a test sees it: its addresses, its API key, its database, and small
 * HTTP helpers (JDK {@link HttpClient}, HTTP/1.1) that add the {@code X-API-KEY} header on the
 * admin side. Obtain the shared one as a parameter of a {@link KeywatchTest}, or start a private
 * one with {@link #startPrivate}.
 */
public final class Keywatch implements AutoCloseable {

  /** The admin API's key header (as APISIX names it). */
  public static final String API_KEY_HEADER = "X-API-KEY";

  /**
   * JVM options of every server the tests start. Only the quick JIT: it halves a server's start on
   * two busy cores (measured 43 s against 20 s, and 155 s against 43 s under load), and tests do
   * not run long enough to gain from the optimising compiler.
   */
  public static final String SERVER_JAVA_OPTIONS = "-XX:TieredStopAtLevel=1";

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final AtomicInteger UNIQUE = new AtomicInteger();
  private static final String RUN_PREFIX = "run-";
  private static Path runDir; // guarded by Keywatch.class

  private final String name;
  private final Endpoints endpoints;
  private final KeywatchSystem system; // null when the system runs in another process
  private final boolean shared;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(
              HttpClient.Version.HTTP_1_1) // no h2c upgrade headers: the proxy would forward them
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private Keywatch(String name, KeywatchSystem system, boolean shared) {
    this.name = name;
    this.endpoints =
        new Endpoints(
            system.adminUri(),
            system.proxyUri(),
            system.proxyStatusUri(),
            system.apiKey(),
            system.jdbcUrl(),
            system.jdbcUser(),
            system.jdbcPassword(),
            system.log(ServerRole.ADMIN).getParent());
    this.system = system;
    this.shared = shared;
  }

  /** A client of a system that another process runs (see {@link LauncherProcess}). */
  Keywatch(String name, Endpoints endpoints) {
    this.name = name;
    this.endpoints = endpoints;
    this.system = null;
    this.shared = false;
  }

  /** Where a system answers and keeps its store, however it was started. */
  record Endpoints(
      URI adminUri,
      URI proxyUri,
      URI proxyStatusUri,
      String apiKey,
      String jdbcUrl,
      String jdbcUser,
      String jdbcPassword,
      Path logDir) {}

  /**
   * The system all {@link KeywatchTest}s share: on {@code KEYWATCH_TEST_JDBC_URL} (with
   * KEYWATCH_TEST_JDBC_USER / _PASSWORD) when set, else on a fresh embedded PostgreSQL.
   */
  static Keywatch startShared() {
    KeywatchSystem.Builder options = options("shared");
    String url = System.getenv("KEYWATCH_TEST_JDBC_URL");
    if (url != null && !url.isBlank()) {
      options
          .jdbcUrl(url)
          .jdbcUser(envOr("KEYWATCH_TEST_JDBC_USER", "postgres"))
          .jdbcPassword(envOr("KEYWATCH_TEST_JDBC_PASSWORD", ""));
    }
    return new Keywatch("shared", KeywatchSystem.start(options.build()), true);
  }

  /**
   * A system of this test's own, always on its own embedded PostgreSQL with an empty store, e.g.
   * for tests that stop the database ({@link #postgres()}) or need exact revisions. Close it at the
   * end.
   *
   * @param name a folder name under {@code target/systems/run-<pid>/} for its data and logs
   */
  public static Keywatch startPrivate(String name) {
    return startPrivate(name, options -> {});
  }

  /**
   * As {@link #startPrivate(String)}, with settings of its own, e.g. {@code env(ServerRole.PROXY,
   * ...)}.
   */
  public static Keywatch startPrivate(String name, Consumer<KeywatchSystem.Builder> customize) {
    KeywatchSystem.Builder options = options(name);
    customize.accept(options);
    return new Keywatch(name, KeywatchSystem.start(options.build()), false);
  }

  private static KeywatchSystem.Builder options(String name) {
    Path workDir = runDir().resolve(name);
    Folders.deleteTree(workDir); // every system starts with an empty store
    byte[] key = new byte[16];
    new SecureRandom().nextBytes(key);
    return KeywatchSystem.Options.builder()
        .javaOption(SERVER_JAVA_OPTIONS)
        .workDir(workDir)
        .apiKey("test-" + HexFormat.of().formatHex(key));
  }

  public URI adminUri() {
    return endpoints.adminUri();
  }

  public URI proxyUri() {
    return endpoints.proxyUri();
  }

  /** The gateway's status port: its {@code /health}, {@code /metrics} and {@code /openapi}. */
  public URI proxyStatusUri() {
    return endpoints.proxyStatusUri();
  }

  public String apiKey() {
    return endpoints.apiKey();
  }

  /** The port of etcd's gRPC API on the admin server (loopback), on a system this JVM started. */
  public int etcdPort() {
    return system().etcdPort();
  }

  public String jdbcUrl() {
    return endpoints.jdbcUrl();
  }

  /** The launcher's handle, for what the helpers here do not cover (options in force). */
  public KeywatchSystem system() {
    if (system == null) {
      throw new IllegalStateException(name + " runs in another process");
    }
    return system;
  }

  /** A server's log file, worth printing when a test fails in a puzzling way. */
  public Path log(ServerRole role) {
    return endpoints.logDir().resolve(role.label() + ".log");
  }

  /** Unpooled connections to the store's database, e.g. to look at the {@code kv} table. */
  public DataSource dataSource() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(endpoints.jdbcUrl());
    ds.setUser(endpoints.jdbcUser());
    ds.setPassword(endpoints.jdbcPassword());
    return ds;
  }

  /**
   * The embedded PostgreSQL, to {@code stop()} and {@code start()} it again (same port and data).
   * Only on a private system: stopping the shared one would fail the other tests.
   */
  public EmbeddedDatabase postgres() {
    if (shared) {
      throw new IllegalStateException(
          "stop PostgreSQL only on a private system: Keywatch.startPrivate(...)");
    }
    return system().postgres();
  }

  /** A name no other test of this JVM gets, for keys and route ids on the shared store. */
  public static String uniqueId(String prefix) {
    return prefix + "-" + ProcessHandle.current().pid() + "-" + UNIQUE.incrementAndGet();
  }

  // ---- admin API (with the API key) ----

  /** A request to the admin server with the API key already set; finish it and {@link #send} it. */
  public HttpRequest.Builder adminRequest(String path) {
    return HttpRequest.newBuilder(adminUri().resolve(path))
        .timeout(REQUEST_TIMEOUT)
        .header(API_KEY_HEADER, apiKey());
  }

  public HttpResponse<String> adminGet(String path) {
    return send(adminRequest(path).GET());
  }

  public HttpResponse<String> adminPut(String path, String json) {
    return send(
        adminRequest(path)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  public HttpResponse<String> adminPost(String path, String json) {
    return send(
        adminRequest(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  public HttpResponse<String> adminDelete(String path) {
    return send(adminRequest(path).DELETE());
  }

  // ---- gateway ----

  /** A request to the proxy server; finish it and {@link #send} it. */
  public HttpRequest.Builder proxyRequest(String path) {
    return HttpRequest.newBuilder(proxyUri().resolve(path)).timeout(REQUEST_TIMEOUT);
  }

  public HttpResponse<String> proxyGet(String path) {
    return send(proxyRequest(path).GET());
  }

  // ---- plumbing ----

  /**
   * Sends a request, body as a string; an I/O failure is an unchecked exception, not a checked one.
   */
  public HttpResponse<String> send(HttpRequest.Builder request) {
    return send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) {
    try {
      return http.send(request, body);
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + request.method() + " " + request.uri(), e);
    }
  }

  /** The client the helpers use, e.g. for {@code sendAsync} or streaming bodies. */
  public HttpClient http() {
    return http;
  }

  /** A response body as a JSON object. */
  public static JsonObject json(HttpResponse<String> response) {
    try (JsonReader reader = Json.createReader(new StringReader(response.body()))) {
      return reader.readObject();
    }
  }

  /**
   * Awaitility with bounds fit for a system on a busy 2-core machine: wait on a condition, never
   * sleep.
   */
  public static ConditionFactory eventually() {
    return await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions();
  }

  /** Stops a private system. The shared one is stopped by JUnit after the last test. */
  @Override
  public void close() {
    if (shared) {
      throw new IllegalStateException(
          "the shared system is stopped by the extension, not by a test");
    }
    stop();
  }

  void stopShared() {
    stop();
  }

  /**
   * Stops the servers and deletes the embedded store's data, which no test reads once its system
   * has stopped: a run starts some thirty systems, and their stores would take a small CI disk. The
   * logs stay for reading.
   */
  private void stop() {
    system.close();
    if (system.options().jdbcUrl().isEmpty()) {
      Folders.deleteTree(system.options().dataDir());
    }
  }

  @Override
  public String toString() {
    return "Keywatch["
        + name
        + ": admin "
        + adminUri()
        + ", proxy "
        + proxyUri()
        + ", store "
        + jdbcUrl()
        + "]";
  }

  /**
   * This JVM's folder under {@code target/systems/}, for the data and logs of the systems a test
   * starts. One per JVM because two test runs in one tree (people do that) must not share data
   * folders. Folders of JVMs that are gone are removed on first use; those of the last run stay for
   * reading its logs.
   */
  public static synchronized Path runDir() {
    if (runDir == null) {
      Path systems =
          Path.of(System.getProperty("keywatch.test.work-dir", "target/systems")).toAbsolutePath();
      try {
        Files.createDirectories(systems);
        try (Stream<Path> runs = Files.list(systems)) {
          runs.filter(Keywatch::isStaleRun).forEach(Folders::deleteTree);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot prepare " + systems, e);
      }
      runDir = systems.resolve(RUN_PREFIX + ProcessHandle.current().pid());
    }
    return runDir;
  }

  private static boolean isStaleRun(Path dir) {
    String name = dir.getFileName().toString();
    if (!name.startsWith(RUN_PREFIX)) {
      return false;
    }
    try {
      return ProcessHandle.of(Long.parseLong(name.substring(RUN_PREFIX.length()))).isEmpty();
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String envOr(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
