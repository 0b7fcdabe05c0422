package io.keywatch.launcher;

import java.util.Locale;

/**
 * Every setting of the launcher, in one place, so that {@code --help} lists them all. Each is read
 * like MicroProfile Config reads it: a system property of that name, else the environment variable
 * named beside it, else the default in {@code keywatch-launcher.properties}.
 */
public enum LauncherSetting {
  ADMIN_PORT("keywatch.admin.port", "HTTP port of the admin API"),
  ADMIN_BIND("keywatch.admin.bind", "address the admin API listens on (0.0.0.0: every address)"),
  PROXY_PORT("keywatch.proxy.port", "HTTP port of the gateway"),
  PROXY_BIND("keywatch.proxy.bind", "address the gateway listens on (0.0.0.0: every address)"),
  PROXY_STATUS_PORT(
      "keywatch.proxy.status.port", "HTTP port of the gateway's health, metrics and OpenAPI"),
  PROXY_STATUS_BIND("keywatch.proxy.status.bind", "address the gateway's status port listens on"),
  ETCD_PORT("keywatch.etcd.port", "gRPC port of etcd's v3 API, served by the admin server"),
  DATA_DIR(
      "keywatch.data-dir",
      "folder for the embedded PostgreSQL data (postgres/), the generated API key and the servers' logs (run/)"),
  POSTGRES_PORT(
      "keywatch.postgres.port",
      "port of the embedded PostgreSQL (unused when KEYWATCH_JDBC_URL is set)"),
  POSTGRES_CHECK_INTERVAL(
      "keywatch.postgres.check-interval",
      "how often the launcher checks that its embedded PostgreSQL runs, and its first wait before a failed restart is retried (ISO-8601 duration)"),
  POSTGRES_RESTART_BACKOFF_MAX(
      "keywatch.postgres.restart-backoff-max",
      "longest wait between restarts of the embedded PostgreSQL that fail (the wait doubles up to it)"),
  JDBC_URL(
      "keywatch.jdbc.url",
      "an existing PostgreSQL to use instead of the embedded one, e.g. jdbc:postgresql://db:5432/keywatch"),
  JDBC_USER("keywatch.jdbc.user", "user for KEYWATCH_JDBC_URL"),
  JDBC_PASSWORD("keywatch.jdbc.password", "password for KEYWATCH_JDBC_URL"),
  API_KEY(
      "keywatch.api-key",
      "the key clients send as X-API-KEY to the admin API; generated and stored in the data folder when unset"),
  PROXY_FEED(
      "keywatch.proxy.feed",
      "what the gateway follows: unset, the launcher's admin server (its watch stream); admin base URLs, comma-separated; or 'postgresql' for the database itself"),
  HOME(
      "keywatch.home",
      "folder with payara-micro.jar and the WARs (default: the launcher jar's folder)"),
  START_TIMEOUT(
      "keywatch.start-timeout",
      "how long each server may take to become ready (ISO-8601 duration)"),
  SERVER_JAVA_OPTIONS(
      "keywatch.server.java-options",
      "extra JVM options for both Payara Micro processes, space separated");

  private final String property;
  private final String description;

  LauncherSetting(String property, String description) {
    this.property = property;
    this.description = description;
  }

  public String property() {
    return property;
  }

  /**
   * The environment variable, by MicroProfile Config's rule: non-alphanumerics to '_', upper case.
   */
  public String envVar() {
    return envVar(property);
  }

  static String envVar(String property) {
    return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
  }

  public String description() {
    return description;
  }
}
