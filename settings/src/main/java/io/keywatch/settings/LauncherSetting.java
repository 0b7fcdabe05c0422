package io.keywatch.settings;

/**
 * The settings of the launcher (server-config), so that {@code --help} lists them all. It reads
 * them as MicroProfile Config would (system property, then environment variable, then the default
 * here) without a container. Those that configure a server as well take that server's name, so one
 * variable sets both.
 */
public final class LauncherSetting {

  @Setting(defaultValue = "9180", doc = "HTTP port of the admin API")
  public static final String ADMIN_PORT = AdminSetting.ADMIN_PORT;

  // the admin API is reachable from this machine only unless told otherwise (APISIX allows
  // 127.0.0.0/24)
  @Setting(
      defaultValue = "127.0.0.1",
      doc = "address the admin API listens on (0.0.0.0: every address)")
  public static final String ADMIN_BIND = "keywatch.admin.bind";

  @Setting(defaultValue = "9080", doc = "HTTP port of the gateway")
  public static final String PROXY_PORT = "keywatch.proxy.port";

  @Setting(
      defaultValue = "0.0.0.0",
      doc = "address the gateway listens on (0.0.0.0: every address)")
  public static final String PROXY_BIND = "keywatch.proxy.bind";

  @Setting(
      defaultValue = "9443",
      doc =
          "HTTPS port of the gateway (HTTP/2 by ALPN), on the address of its HTTP port; its"
              + " certificates are the store's /ssls/")
  public static final String PROXY_HTTPS_PORT = "keywatch.proxy.https.port";

  // the gateway's health, metrics and OpenAPI: not on its data port, where every path is a route's
  @Setting(defaultValue = "9091", doc = "HTTP port of the gateway's health, metrics and OpenAPI")
  public static final String PROXY_STATUS_PORT = "keywatch.proxy.status.port";

  @Setting(defaultValue = "127.0.0.1", doc = "address the gateway's status port listens on")
  public static final String PROXY_STATUS_BIND = "keywatch.proxy.status.bind";

  @Setting(defaultValue = "2379", doc = "gRPC port of etcd's v3 API, served by the admin server")
  public static final String ETCD_PORT = AdminSetting.ETCD_PORT;

  @Setting(
      defaultValue = "data",
      doc =
          "folder for the embedded PostgreSQL data (postgres/), the generated API key and the"
              + " servers' logs (run/)")
  public static final String DATA_DIR = "keywatch.data-dir";

  // not 5432, so that a PostgreSQL already installed on the machine does not collide with ours, and
  // below Linux's ephemeral range (32768-60999), where an outgoing connection may hold the port at
  // first start
  @Setting(
      defaultValue = "15432",
      doc = "port of the embedded PostgreSQL (unused when KEYWATCH_JDBC_URL is set)")
  public static final String POSTGRES_PORT = "keywatch.postgres.port";

  // the embedded PostgreSQL is restarted when it exits by itself: found within one interval (a look
  // at its process), retried after that interval, doubled at each failure up to the maximum
  @Setting(
      defaultValue = "PT0.2S",
      doc =
          "how often the launcher checks that its embedded PostgreSQL runs, and its first wait"
              + " before a failed restart is retried (ISO-8601 duration)")
  public static final String POSTGRES_CHECK_INTERVAL = "keywatch.postgres.check-interval";

  @Setting(
      defaultValue = "PT5S",
      doc =
          "longest wait between restarts of the embedded PostgreSQL that fail (the wait doubles"
              + " up to it)")
  public static final String POSTGRES_RESTART_BACKOFF_MAX = "keywatch.postgres.restart-backoff-max";

  @Setting(
      doc =
          "an existing PostgreSQL to use instead of the embedded one, e.g."
              + " jdbc:postgresql://db:5432/keywatch")
  public static final String JDBC_URL = StoreSetting.JDBC_URL;

  @Setting(defaultValue = "postgres", doc = "user for KEYWATCH_JDBC_URL")
  public static final String JDBC_USER = StoreSetting.JDBC_USER;

  @Setting(doc = "password for KEYWATCH_JDBC_URL")
  public static final String JDBC_PASSWORD = StoreSetting.JDBC_PASSWORD;

  @Setting(
      doc =
          "the key clients send as X-API-KEY to the admin API; generated and stored in the data"
              + " folder when unset")
  public static final String API_KEY = AdminSetting.API_KEY;

  @Setting(
      doc =
          "what the gateway follows: unset, the launcher's admin server (its watch stream); admin"
              + " base URLs, comma-separated; or postgresql for the database itself")
  public static final String PROXY_FEED = GatewaySetting.FEED;

  @Setting(doc = "folder with payara-micro.jar and the WARs (default: the launcher jar's folder)")
  public static final String HOME = "keywatch.home";

  @Setting(
      defaultValue = "PT3M",
      doc = "how long each server may take to become ready (ISO-8601 duration)")
  public static final String START_TIMEOUT = "keywatch.start-timeout";

  // sized to what a server uses (about 60 MB live), where the JVM's own default heap (a quarter of
  // the machine) would only grow; G1 rather than the serial collector, whose pauses on so small a
  // heap put the gateway's p99 at 148 ms under bench/run's load (G1: 16 ms, the same idle memory
  // within 30 MB); G1 gives memory back after an idle periodic collection, and glibc keeps what
  // the JVM frees natively (about 30 MB after start) until it is told to trim
  @Setting(
      defaultValue =
          "-XX:+UseG1GC -Xms32m -Xmx256m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30"
              + " -XX:G1PeriodicGCInterval=30000 -XX:TrimNativeHeapInterval=10000",
      doc =
          "JVM options for both Payara Micro processes, space separated (they replace the default)")
  public static final String SERVER_JAVA_OPTIONS = "keywatch.server.java-options";

  private LauncherSetting() {}
}
