package io.keywatch.launcher;

import io.keywatch.settings.Catalogue;
import io.keywatch.settings.LauncherSetting;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads {@link LauncherSetting}s, each given by its property name, the way MicroProfile Config
 * would (system property, then environment variable, then the default declared there), without
 * needing a container.
 */
public final class LauncherConfig {

  private static final Catalogue SETTINGS = Catalogue.of(LauncherSetting.class);

  private LauncherConfig() {}

  /** The configured value, or empty when neither set nor defaulted (or set blank). */
  public static Optional<String> value(String setting) {
    String v = lookup(setting);
    if (v == null) {
      v = defaultOf(setting);
    }
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  /** The value as given by a system property or the environment only, ignoring defaults. */
  static String lookup(String property) {
    String v = System.getProperty(property);
    if (v == null) {
      v = System.getenv(property);
    }
    if (v == null) {
      v = System.getenv(Catalogue.envVar(property));
    }
    return v;
  }

  public static String string(String setting) {
    return value(setting).orElseThrow(() -> new ConfigException(setting, "is not set"));
  }

  public static int port(String setting) {
    String v = string(setting);
    try {
      int port = Integer.parseInt(v);
      if (port < 1 || port > 65535) {
        throw new ConfigException(setting, "must be a port between 1 and 65535, not " + v);
      }
      return port;
    } catch (NumberFormatException e) {
      throw new ConfigException(setting, "must be a port number, not '" + v + "'");
    }
  }

  /**
   * A numeric IP address to listen on ({@code 0.0.0.0}: every address); a host name is refused, it
   * would need DNS.
   */
  public static String address(String setting) {
    String v = string(setting);
    if (v.matches(
        "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)")) {
      return v;
    }
    try {
      if (v.contains(":")) {
        InetAddress.getByName(
            v); // with a colon the JDK parses an IPv6 literal and never looks it up
        return v;
      }
    } catch (UnknownHostException e) {
      // refused below
    }
    throw new ConfigException(
        setting, "must be a numeric IP address such as 127.0.0.1 or 0.0.0.0, not '" + v + "'");
  }

  public static Duration duration(String setting) {
    String v = string(setting);
    try {
      return Duration.parse(v);
    } catch (DateTimeParseException e) {
      throw new ConfigException(
          setting, "must be an ISO-8601 duration such as PT3M, not '" + v + "'");
    }
  }

  public static Path path(String setting) {
    return Path.of(string(setting));
  }

  /** The declared default of a launcher setting; empty when it has none. */
  public static String defaultOf(String setting) {
    return SETTINGS
        .entry(setting)
        .orElseThrow(() -> new IllegalArgumentException(setting + " is no launcher setting"))
        .defaultValue()
        .orElse("");
  }

  /** A setting with a value that cannot be used; the message names the variable to fix. */
  public static final class ConfigException extends IllegalArgumentException {
    ConfigException(String setting, String problem) {
      super(Catalogue.envVar(setting) + " (" + setting + ") " + problem);
    }
  }
}
