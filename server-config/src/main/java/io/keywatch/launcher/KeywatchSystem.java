package io.keywatch.launcher;

import io.keywatch.settings.AdminSetting;
import io.keywatch.settings.Catalogue;
import io.keywatch.settings.GatewaySetting;
import io.keywatch.settings.LauncherSetting;
import io.keywatch.settings.StoreSetting;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.logging.Logger;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A running Keywatch: PostgreSQL (embedded, or an existing one), the admin server and the proxy
 * server, each a Payara Micro process. The launcher's {@code main} and the system tests both start
 * it here, so the tests run what a user runs.
 *
 * <p>Start-up order: 1. check the ports, 2. start or reach PostgreSQL, 3. start both servers at
 * once (each migrates the schema with Flyway; Flyway's lock lets only one do it), 4. wait until
 * both report ready, and the gateway's routes come from the store. {@link #close()} stops them in
 * the reverse order.
 *
 * <p>An existing database that is down (unreachable, or not yet accepting connections) does not
 * stop the start: the gateway serves the routes it saved on disk and the admin API answers 503
 * until the database is back, when both catch up by themselves. So step 4 then waits only until
 * both servers are deployed. A database that answers but refuses us (password, database name) ends
 * the start: waiting would not cure that.
 */
public final class KeywatchSystem implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(KeywatchSystem.class.getName());
  private static final int FREE_PORT_ATTEMPTS = 3;

  /** What {@link LauncherSetting#PROXY_FEED} says the gateway follows the database with. */
  private static final String FOLLOW_DATABASE = "postgresql";

  private final Options options;
  private final Optional<EmbeddedDatabase> postgres;
  private final String jdbcUrl;
  private final String jdbcUser;
  private final String jdbcPassword;
  private final Map<ServerRole, PayaraServer> servers = new EnumMap<>(ServerRole.class);

  /** How each server was started, to start it again. Guarded by this. */
  private final Map<ServerRole, Runnable> starts = new EnumMap<>(ServerRole.class);

  private final Thread shutdownHook = new Thread(this::close, "keywatch-shutdown");
  private boolean closed; // guarded by this
  private volatile boolean startedWithoutStore;

  private KeywatchSystem(Options options, Optional<EmbeddedDatabase> postgres) {
    this.options = options;
    this.postgres = postgres;
    this.jdbcUrl =
        postgres.map(EmbeddedDatabase::jdbcUrl).orElseGet(() -> options.jdbcUrl().orElseThrow());
    this.jdbcUser = postgres.map(EmbeddedDatabase::user).orElse(options.jdbcUser());
    this.jdbcPassword = postgres.isPresent() ? "" : options.jdbcPassword();
  }

  /**
   * Starts everything and returns once both servers are ready; on any failure, stops what it had
   * started and throws {@link ServerStartException} with the reason (and the server's log tail).
   */
  public static KeywatchSystem start(Options requested) {
    for (int attempt = 1; ; attempt++) {
      try {
        return startOnce(requested.withFreePorts());
      } catch (PortInUseException e) {
        // a port chosen free lies in the ephemeral range: until the server binds it (seconds
        // later), any outgoing connection on the machine may take it. Choose again.
        if (!requested.choosesPorts() || attempt == FREE_PORT_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private static KeywatchSystem startOnce(Options options) {
    options.checkPorts();
    KeywatchHome home = options.home().map(KeywatchHome::new).orElseGet(KeywatchHome::locate);
    Optional<EmbeddedDatabase> postgres =
        options.jdbcUrl().isPresent()
            ? Optional.empty()
            : Optional.of(
                new EmbeddedDatabase(
                    options.dataDir(),
                    options.workDir().resolve("postgres-binaries"),
                    options.workDir().resolve("logs").resolve("postgres.log"),
                    options.pgPort()));
    KeywatchSystem system = new KeywatchSystem(options, postgres);
    Runtime.getRuntime().addShutdownHook(system.shutdownHook);
    try {
      system.startAll(home);
      return system;
    } catch (RuntimeException e) {
      boolean stopping = system.isClosed();
      system.close();
      throw stopping ? new ServerStartException("stopped while starting", e) : e;
    }
  }

  private void startAll(KeywatchHome home) {
    postgres.ifPresentOrElse(
        EmbeddedDatabase::start, () -> startedWithoutStore = !databaseReachable());
    for (ServerRole role : ServerRole.values()) {
      Map<String, String> env = new LinkedHashMap<>();
      env.put(Catalogue.envVar(StoreSetting.JDBC_URL), jdbcUrl);
      env.put(Catalogue.envVar(StoreSetting.JDBC_USER), jdbcUser);
      env.put(Catalogue.envVar(StoreSetting.JDBC_PASSWORD), jdbcPassword);
      if (role.holdsApiKey()) {
        env.put(Catalogue.envVar(AdminSetting.API_KEY), options.apiKey());
        env.put(Catalogue.envVar(AdminSetting.WATCH_FEED_KEY), feedKey());
      } else {
        env.put(Catalogue.envVar(GatewaySetting.FEED_KEY), feedKey());
        env.put(Catalogue.envVar(GatewaySetting.FEED), gatewayFeed());
      }
      if (role == ServerRole.ADMIN) {
        env.put(
            Catalogue.envVar(AdminSetting.ADMIN_PORT),
            Integer.toString(options.listeners(role).main().port()));
        env.put(Catalogue.envVar(AdminSetting.ETCD_PORT), Integer.toString(options.etcdPort()));
      }
      env.putAll(options.env().getOrDefault(role, Map.of()));
      Runnable start =
          () ->
              servers.put(
                  role,
                  PayaraServer.start(
                      role,
                      options.listeners(role),
                      home,
                      options.workDir(),
                      options.javaOptions(),
                      options.systemProperties().getOrDefault(role, Map.of()),
                      env));
      synchronized (this) {
        starts.put(role, start);
        start.run();
      }
    }
    // both servers boot at once: on two cores that is about as fast as one alone. The first
    // failure ends the wait; the other server need not be waited for to its time limit.
    CompletableFuture<Void> firstFailure = new CompletableFuture<>();
    List<CompletableFuture<Void>> ready = new ArrayList<>();
    for (Map.Entry<ServerRole, PayaraServer> entry : servers.entrySet()) {
      PayaraServer server = entry.getValue();
      CompletableFuture<Void> one =
          inThread(
              "keywatch-await-ready",
              () -> {
                if (startedWithoutStore) {
                  server.awaitDeployed(options.startTimeout());
                } else if (entry.getKey() == ServerRole.PROXY) {
                  // "ready" means a route put now is served: the gateway follows the store, it
                  // does not only serve its snapshot of the last run
                  server.awaitLive(options.startTimeout());
                } else {
                  server.awaitReady(options.startTimeout());
                }
              });
      one.exceptionally(
          failure -> {
            firstFailure.completeExceptionally(failure);
            return null;
          });
      ready.add(one);
    }
    try {
      CompletableFuture.anyOf(
              CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new)), firstFailure)
          .join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /**
   * The gateway's {@code keywatch.proxy.feed}: the admin server of this system on loopback by
   * default (the fan-out tier: PostgreSQL sees the admin's LISTEN only), or the empty value, which
   * MicroProfile Config reads as unset, when the gateway is to follow the database itself.
   */
  private String gatewayFeed() {
    URI admin = adminUri();
    String host = admin.getHost().equals("localhost") ? "127.0.0.1" : admin.getHost();
    String feed =
        LauncherConfig.value(LauncherSetting.PROXY_FEED)
            .orElse("http://" + host + ":" + admin.getPort());
    return feed.equals(FOLLOW_DATABASE) ? "" : feed;
  }

  /**
   * Runs a blocking task on a thread of its own: the common pool has a single thread on two cores,
   * where two such tasks would run one after the other.
   */
  private static CompletableFuture<Void> inThread(String name, Runnable task) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                task.run();
                done.complete(null);
              } catch (Throwable t) {
                done.completeExceptionally(t);
              }
            },
            name);
    thread.setDaemon(true);
    thread.start();
    return done;
  }

  /**
   * Whether the existing database answers now; false when it is down (SQLState class 08: no
   * connection; 57P03: starting up or shutting down), fails when it refuses us for good.
   */
  private boolean databaseReachable() {
    try (Connection c = dataSource().getConnection()) {
      c.isValid(5);
      return true;
    } catch (SQLException e) {
      String state = String.valueOf(e.getSQLState());
      if (state.startsWith("08") || state.equals("57P03")) {
        LOG.warning(
            () ->
                "POSTGRES unreachable at "
                    + jdbcUrl
                    + " ("
                    + e.getMessage()
                    + "): starting without it; the admin API"
                    + " answers 503 and the gateway serves the routes it saved until the database is back");
        return false;
      }
      throw new ServerStartException(
          "PostgreSQL at "
              + jdbcUrl
              + " refuses user '"
              + jdbcUser
              + "': "
              + e.getMessage()
              + " (check "
              + Catalogue.envVar(LauncherSetting.JDBC_URL)
              + ", "
              + Catalogue.envVar(LauncherSetting.JDBC_USER)
              + " and "
              + Catalogue.envVar(LauncherSetting.JDBC_PASSWORD)
              + ")",
          e);
    }
  }

  private PGSimpleDataSource dataSource() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(jdbcUrl);
    ds.setUser(jdbcUser);
    ds.setPassword(jdbcPassword);
    ds.setLoginTimeout(10);
    return ds;
  }

  public URI adminUri() {
    return options.listeners(ServerRole.ADMIN).main().uri();
  }

  public URI proxyUri() {
    return options.listeners(ServerRole.PROXY).main().uri();
  }

  /** The port of etcd's gRPC API on the admin server (loopback). */
  public int etcdPort() {
    return options.etcdPort();
  }

  /** The gateway's HTTPS port, e.g. {@code https://localhost:9443/}. */
  public URI proxyHttpsUri() {
    return URI.create("https://localhost:" + options.proxyHttpsPort() + "/");
  }

  /** The gateway's status port: its health, metrics and OpenAPI. */
  public URI proxyStatusUri() {
    return options.listeners(ServerRole.PROXY).health().uri();
  }

  /** Stops one server, e.g. to see what the other does meanwhile; {@link #startServer} again. */
  public synchronized void stopServer(ServerRole role) {
    servers.get(role).close();
  }

  /**
   * Starts a server stopped by {@link #stopServer} as it was started, on the same ports; returns
   * once it is ready.
   */
  public void startServer(ServerRole role) {
    PayaraServer server;
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the system is closed");
      }
      starts.get(role).run();
      server = servers.get(role);
    }
    server.awaitReady(options.startTimeout());
  }

  /** A server's process id, e.g. to look at what the process was given. */
  public synchronized long pid(ServerRole role) {
    return servers.get(role).pid();
  }

  public String jdbcUrl() {
    return jdbcUrl;
  }

  public String jdbcUser() {
    return jdbcUser;
  }

  public String jdbcPassword() {
    return jdbcPassword;
  }

  public String apiKey() {
    return options.apiKey();
  }

  /**
   * The read-only key the gateway follows the admin with: GET /watch, GET /routes, GET /upstreams
   * and GET /ssls only.
   */
  public String feedKey() {
    return FeedKey.of(options.apiKey());
  }

  /** The options in force, with the free ports chosen for those that were 0. */
  public Options options() {
    return options;
  }

  /** Where a server writes its log. */
  public Path log(ServerRole role) {
    return options.workDir().resolve("logs").resolve(role.label() + ".log");
  }

  /**
   * The embedded PostgreSQL, to stop and start it again (same port, same data) in fault tests.
   *
   * @throws IllegalStateException when the system runs on an existing database
   */
  public EmbeddedDatabase postgres() {
    return postgres.orElseThrow(
        () ->
            new IllegalStateException(
                "this system uses the database at " + jdbcUrl + ", not an embedded one"));
  }

  /**
   * Whether the existing database was down at start, so the servers were started without waiting
   * for it.
   */
  public boolean startedWithoutStore() {
    return startedWithoutStore;
  }

  /** The store's current revision, read from the database (the servers create the schema). */
  public long storeRevision() {
    try (Connection c = dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT current FROM kv_revision")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot read the store's revision at " + jdbcUrl + ": " + e.getMessage(), e);
    }
  }

  /**
   * Blocks until a server process exits. Returns which one and its exit code when it stopped by
   * itself, or empty when it stopped because the system was closed.
   */
  public Optional<ServerExit> awaitServerExit() {
    Map<ServerRole, PayaraServer> started;
    synchronized (this) {
      started = new EnumMap<>(servers);
    }
    CompletableFuture<?>[] exits =
        started.values().stream().map(PayaraServer::onExit).toArray(CompletableFuture[]::new);
    CompletableFuture.anyOf(exits).join();
    if (isClosed()) {
      return Optional.empty();
    }
    return started.entrySet().stream()
        .filter(e -> e.getValue().onExit().isDone())
        .map(e -> new ServerExit(e.getKey(), e.getValue().onExit().join().exitValue()))
        .findFirst();
  }

  /** A server process that ended, and how. */
  public record ServerExit(ServerRole role, int exitCode) {

    /**
     * Ended by SIGINT or SIGTERM: Ctrl-C in a terminal reaches the servers as well as the launcher.
     */
    public boolean bySignal() {
      return exitCode == 128 + 2 || exitCode == 128 + 15;
    }
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  /** Stops both servers (at once), then PostgreSQL. Safe to call more than once. */
  @Override
  public void close() {
    List<PayaraServer> running;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      running = List.copyOf(servers.values());
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // we are the hook, or the JVM is exiting and runs it anyway
    }
    CompletableFuture.allOf(
            running.stream()
                .map(s -> inThread("keywatch-stop", s::close))
                .toArray(CompletableFuture[]::new))
        .join();
    postgres.ifPresent(EmbeddedDatabase::stop);
  }

  /**
   * How to start a system. Ports given as 0 are chosen free at start; {@code dataDir} defaults to
   * {@code workDir/postgres}. {@code env} and {@code systemProperties} are added per server, e.g. a
   * setting a test needs only on the proxy.
   */
  public record Options(
      int adminPort,
      int proxyPort,
      int proxyStatusPort,
      int proxyHttpsPort,
      String adminBind,
      String proxyBind,
      String proxyStatusBind,
      int pgPort,
      Path dataDir,
      Optional<String> jdbcUrl,
      String jdbcUser,
      String jdbcPassword,
      String apiKey,
      Path workDir,
      Optional<Path> home,
      List<String> javaOptions,
      Map<ServerRole, Map<String, String>> env,
      Map<ServerRole, Map<String, String>> systemProperties,
      Duration startTimeout,
      int etcdPort) {

    public static Builder builder() {
      return new Builder();
    }

    PayaraServer.Listeners listeners(ServerRole role) {
      return role == ServerRole.ADMIN
          ? PayaraServer.Listeners.of(new Listener(adminBind, adminPort))
          : PayaraServer.Listeners.withStatusAndHttps(
              new Listener(proxyBind, proxyPort),
              new Listener(proxyStatusBind, proxyStatusPort),
              new Listener(proxyBind, proxyHttpsPort));
    }

    boolean choosesPorts() {
      return adminPort == 0
          || proxyPort == 0
          || proxyStatusPort == 0
          || proxyHttpsPort == 0
          || etcdPort == 0
          || (pgPort == 0 && jdbcUrl.isEmpty());
    }

    Options withFreePorts() {
      Set<Integer> taken =
          new HashSet<>(
              List.of(adminPort, proxyPort, proxyStatusPort, proxyHttpsPort, pgPort, etcdPort));
      return new Options(
          adminPort == 0 ? freePort(taken) : adminPort,
          proxyPort == 0 ? freePort(taken) : proxyPort,
          proxyStatusPort == 0 ? freePort(taken) : proxyStatusPort,
          proxyHttpsPort == 0 ? freePort(taken) : proxyHttpsPort,
          adminBind,
          proxyBind,
          proxyStatusBind,
          pgPort == 0 && jdbcUrl.isEmpty() ? freePort(taken) : pgPort,
          dataDir,
          jdbcUrl,
          jdbcUser,
          jdbcPassword,
          apiKey,
          workDir,
          home,
          javaOptions,
          env,
          systemProperties,
          startTimeout,
          etcdPort == 0 ? freePort(taken) : etcdPort);
    }

    /** Fails early and clearly when a port is taken, instead of deep in a server's log. */
    void checkPorts() {
      checkPort(adminPort, "admin", LauncherSetting.ADMIN_PORT);
      checkPort(proxyPort, "proxy", LauncherSetting.PROXY_PORT);
      checkPort(proxyStatusPort, "proxy status", LauncherSetting.PROXY_STATUS_PORT);
      checkPort(proxyHttpsPort, "proxy HTTPS", LauncherSetting.PROXY_HTTPS_PORT);
      checkPort(etcdPort, "etcd API", LauncherSetting.ETCD_PORT);
      if (jdbcUrl.isEmpty()) {
        checkPort(pgPort, "embedded PostgreSQL", LauncherSetting.POSTGRES_PORT);
      }
      if (new HashSet<>(List.of(adminPort, proxyPort, proxyStatusPort, proxyHttpsPort)).size()
          < 4) {
        throw new ServerStartException(
            "the admin port, the proxy port, the proxy status port and the proxy HTTPS port must"
                + " differ: "
                + adminPort
                + ", "
                + proxyPort
                + ", "
                + proxyStatusPort
                + ", "
                + proxyHttpsPort);
      }
    }

    private static void checkPort(int port, String what, String setting) {
      String problem = null;
      // something answering on loopback counts too: a server bound to 127.0.0.1 only does not stop
      // a bind to all addresses, but it would get every request for localhost
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
        problem = "something answers on it";
      } catch (IOException nothingListens) {
        try (ServerSocket s = new ServerSocket()) {
          s.bind(new InetSocketAddress(port));
        } catch (IOException e) {
          problem = e.getMessage();
        }
      }
      if (problem != null) {
        throw new PortInUseException(
            "the "
                + what
                + " port "
                + port
                + " is already in use ("
                + problem
                + "); stop what holds it or choose another with "
                + Catalogue.envVar(setting));
      }
    }

    private static int freePort(Set<Integer> taken) {
      while (true) {
        try (ServerSocket s = new ServerSocket(0)) {
          if (taken.add(s.getLocalPort())) {
            return s.getLocalPort();
          }
        } catch (IOException e) {
          throw new UncheckedIOException("cannot find a free port", e);
        }
      }
    }
  }

  /** Builds {@link Options}; only {@code workDir} and {@code apiKey} have no default. */
  public static final class Builder {
    private int adminPort;
    private int proxyPort;
    private int proxyStatusPort;
    private int proxyHttpsPort;
    private String adminBind = LauncherConfig.defaultOf(LauncherSetting.ADMIN_BIND);
    private String proxyBind = LauncherConfig.defaultOf(LauncherSetting.PROXY_BIND);
    private String proxyStatusBind = LauncherConfig.defaultOf(LauncherSetting.PROXY_STATUS_BIND);
    private int pgPort;
    private int etcdPort;
    private Path dataDir;
    private String jdbcUrl;
    private String jdbcUser = LauncherConfig.defaultOf(LauncherSetting.JDBC_USER);
    private String jdbcPassword = "";
    private String apiKey;
    private Path workDir;
    private Path home;
    private final List<String> javaOptions = new ArrayList<>();
    private final Map<ServerRole, Map<String, String>> env = new EnumMap<>(ServerRole.class);
    private final Map<ServerRole, Map<String, String>> systemProperties =
        new EnumMap<>(ServerRole.class);
    private Duration startTimeout =
        Duration.parse(LauncherConfig.defaultOf(LauncherSetting.START_TIMEOUT));

    private Builder() {}

    /** 0 (the default) picks a free port. */
    public Builder adminPort(int port) {
      this.adminPort = port;
      return this;
    }

    /** 0 (the default) picks a free port. */
    public Builder proxyPort(int port) {
      this.proxyPort = port;
      return this;
    }

    /** The gateway's health, metrics and OpenAPI; 0 (the default) picks a free port. */
    public Builder proxyStatusPort(int port) {
      this.proxyStatusPort = port;
      return this;
    }

    /** The gateway's HTTPS port (on the proxy's address); 0 (the default) picks a free port. */
    public Builder proxyHttpsPort(int port) {
      this.proxyHttpsPort = port;
      return this;
    }

    /** Address the admin API listens on; default loopback only ({@code keywatch.admin.bind}). */
    public Builder adminBind(String address) {
      this.adminBind = address;
      return this;
    }

    /** Address the gateway listens on; default every address. */
    public Builder proxyBind(String address) {
      this.proxyBind = address;
      return this;
    }

    /** Address the gateway's status port listens on; default loopback only. */
    public Builder proxyStatusBind(String address) {
      this.proxyStatusBind = address;
      return this;
    }

    /** Port of the embedded PostgreSQL; 0 (the default) picks a free port. */
    public Builder pgPort(int port) {
      this.pgPort = port;
      return this;
    }

    /** Port of etcd's gRPC API on the admin server; 0 (the default) picks a free port. */
    public Builder etcdPort(int port) {
      this.etcdPort = port;
      return this;
    }

    /** Data folder of the embedded PostgreSQL, kept across restarts. */
    public Builder dataDir(Path dir) {
      this.dataDir = dir;
      return this;
    }

    /** Use this existing database instead of an embedded one. */
    public Builder jdbcUrl(String url) {
      this.jdbcUrl = url;
      return this;
    }

    public Builder jdbcUser(String user) {
      this.jdbcUser = user;
      return this;
    }

    public Builder jdbcPassword(String password) {
      this.jdbcPassword = password;
      return this;
    }

    public Builder apiKey(String key) {
      this.apiKey = key;
      return this;
    }

    /** Folder for the servers' root folders, temp files and logs. */
    public Builder workDir(Path dir) {
      this.workDir = dir;
      return this;
    }

    /** Folder with payara-micro.jar and the WARs; default {@link KeywatchHome#locate()}. */
    public Builder home(Path dir) {
      this.home = dir;
      return this;
    }

    /** JVM options for both server processes, e.g. {@code -Xmx512m}. */
    public Builder javaOption(String option) {
      this.javaOptions.add(option);
      return this;
    }

    /** An environment variable for one server, e.g. a MicroProfile Config setting. */
    public Builder env(ServerRole role, String name, String value) {
      this.env.computeIfAbsent(role, r -> new LinkedHashMap<>()).put(name, value);
      return this;
    }

    /** A system property for one server's JVM. */
    public Builder systemProperty(ServerRole role, String name, String value) {
      this.systemProperties.computeIfAbsent(role, r -> new LinkedHashMap<>()).put(name, value);
      return this;
    }

    public Builder startTimeout(Duration timeout) {
      this.startTimeout = timeout;
      return this;
    }

    public Options build() {
      if (workDir == null) {
        throw new IllegalArgumentException("workDir is required");
      }
      if (apiKey == null || apiKey.isBlank()) {
        throw new IllegalArgumentException("apiKey is required");
      }
      Path work = workDir.toAbsolutePath().normalize();
      Map<ServerRole, Map<String, String>> envCopy = new EnumMap<>(ServerRole.class);
      env.forEach((r, m) -> envCopy.put(r, Map.copyOf(m)));
      Map<ServerRole, Map<String, String>> propsCopy = new EnumMap<>(ServerRole.class);
      systemProperties.forEach((r, m) -> propsCopy.put(r, Map.copyOf(m)));
      return new Options(
          adminPort,
          proxyPort,
          proxyStatusPort,
          proxyHttpsPort,
          adminBind,
          proxyBind,
          proxyStatusBind,
          pgPort,
          dataDir == null ? work.resolve("postgres") : dataDir.toAbsolutePath().normalize(),
          Optional.ofNullable(jdbcUrl).filter(u -> !u.isBlank()),
          jdbcUser,
          jdbcPassword,
          apiKey,
          work,
          Optional.ofNullable(home),
          List.copyOf(javaOptions),
          envCopy,
          propsCopy,
          startTimeout,
          etcdPort);
    }
  }
}
