package io.keywatch.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Properties;

/**
 * Reads {@link LauncherSetting}s the way MicroProfile Config would (system property, then
 * environment variable, then the defaults file), without needing a container.
 */
public final class LauncherConfig {

  private static final Properties DEFAULTS = loadDefaults();

  private LauncherConfig() {}

  /** The configured value, or empty when neither set nor defaulted (or set blank). */
  public static Optional<String> value(LauncherSetting setting) {
    String v = lookup(setting.property());
    if (v == null) {
      v = DEFAULTS.getProperty(setting.property());
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
      v = System.getenv(LauncherSetting.envVar(property));
    }
    return v;
  }

  public static String string(LauncherSetting setting) {
    return value(setting).orElseThrow(() -> new ConfigException(setting, "is not set"));
  }

  public static int port(LauncherSetting setting) {
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
  public static String address(LauncherSetting setting) {
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

  public static Duration duration(LauncherSetting setting) {
    String v = string(setting);
    try {
      return Duration.parse(v);
    } catch (DateTimeParseException e) {
      throw new ConfigException(
          setting, "must be an ISO-8601 duration such as PT3M, not '" + v + "'");
    }
  }

  public static Path path(LauncherSetting setting) {
    return Path.of(string(setting));
  }

  /** The default of a setting, for {@code --help}. */
  public static String defaultOf(LauncherSetting setting) {
    return DEFAULTS.getProperty(setting.property(), "");
  }

  private static Properties loadDefaults() {
    Properties p = new Properties();
    try (InputStream in =
        LauncherConfig.class.getResourceAsStream("/keywatch-launcher.properties")) {
      if (in == null) {
        throw new IllegalStateException(
            "keywatch-launcher.properties is missing from the launcher jar");
      }
      p.load(in);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A setting with a value that cannot be used; the message names the variable to fix. */
  public static final class ConfigException extends IllegalArgumentException {
    ConfigException(LauncherSetting setting, String problem) {
      super(setting.envVar() + " (" + setting.property() + ") " + problem);
    }
  }
}
