package io.keywatch.launcher;

import io.keywatch.settings.Catalogue;
import io.keywatch.settings.LauncherSetting;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code java -jar keywatch-launcher.jar}: runs Keywatch on this machine until Ctrl-C. Settings
 * come from environment variables or system properties ({@code --help} lists them).
 */
public final class Main {

  private Main() {}

  static {
    // one line per record on the console, e.g. the supervisor's "POSTGRES exited" (unless set
    // otherwise)
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty(
          "java.util.logging.SimpleFormatter.format",
          "%1$tF %1$tT.%1$tL keywatch: %4$s %5$s%6$s%n");
    }
  }

  /**
   * zonky reports every step of PostgreSQL's start at INFO; the launcher's console shows only
   * problems.
   */
  private static final Logger ZONKY = Logger.getLogger("io.zonky");

  public static void main(String[] args) {
    ZONKY.setLevel(Level.WARNING);
    PrintStream out = System.out;
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      printHelp(out);
      return;
    }
    if (args.length > 0) {
      System.err.println(
          "keywatch: unknown argument "
              + args[0]
              + "; settings are environment variables, see --help");
      System.exit(2);
    }
    KeywatchSystem system;
    try {
      system = start(out);
    } catch (RuntimeException e) {
      System.err.println("keywatch: cannot start: " + e.getMessage());
      System.exit(1);
      return;
    }
    out.println("Press Ctrl-C to stop (the servers and PostgreSQL stop cleanly).");
    // from here on the launcher only supervises: give back the heap that unpacking PostgreSQL grew
    System.gc();
    // Ctrl-C runs the system's shutdown hook; until then, watch for a server that dies by itself
    system
        .awaitServerExit()
        .ifPresent(
            exit -> {
              if (!exit.bySignal()) {
                System.err.println(
                    "keywatch: the "
                        + exit.role().label()
                        + " server stopped unexpectedly (exit code "
                        + exit.exitCode()
                        + "); see "
                        + system.log(exit.role()));
              }
              system.close();
              System.exit(exit.bySignal() ? exit.exitCode() : 1);
            });
  }

  private static KeywatchSystem start(PrintStream out) {
    Path dataDir = LauncherConfig.path(LauncherSetting.DATA_DIR).toAbsolutePath().normalize();
    var builder =
        KeywatchSystem.Options.builder()
            .adminPort(LauncherConfig.port(LauncherSetting.ADMIN_PORT))
            .proxyPort(LauncherConfig.port(LauncherSetting.PROXY_PORT))
            .proxyStatusPort(LauncherConfig.port(LauncherSetting.PROXY_STATUS_PORT))
            .proxyHttpsPort(LauncherConfig.port(LauncherSetting.PROXY_HTTPS_PORT))
            .adminBind(LauncherConfig.address(LauncherSetting.ADMIN_BIND))
            .proxyBind(LauncherConfig.address(LauncherSetting.PROXY_BIND))
            .proxyStatusBind(LauncherConfig.address(LauncherSetting.PROXY_STATUS_BIND))
            .etcdPort(LauncherConfig.port(LauncherSetting.ETCD_PORT))
            .workDir(dataDir.resolve("run"))
            .dataDir(dataDir.resolve("postgres"))
            .startTimeout(LauncherConfig.duration(LauncherSetting.START_TIMEOUT));
    LauncherConfig.value(LauncherSetting.SERVER_JAVA_OPTIONS)
        .ifPresent(opts -> Arrays.stream(opts.split("\\s+")).forEach(builder::javaOption));

    var jdbcUrl = LauncherConfig.value(LauncherSetting.JDBC_URL);
    if (jdbcUrl.isPresent()) {
      builder
          .jdbcUrl(jdbcUrl.get())
          .jdbcUser(LauncherConfig.string(LauncherSetting.JDBC_USER))
          .jdbcPassword(LauncherConfig.value(LauncherSetting.JDBC_PASSWORD).orElse(""));
    } else {
      builder.pgPort(LauncherConfig.port(LauncherSetting.POSTGRES_PORT));
    }

    var configuredKey = LauncherConfig.value(LauncherSetting.API_KEY);
    ApiKeyFile keyFile = new ApiKeyFile(dataDir.resolve("api-key"));
    ApiKeyFile.Key key =
        configuredKey.map(k -> new ApiKeyFile.Key(k, false)).orElseGet(keyFile::loadOrCreate);
    builder.apiKey(key.value());

    out.println(
        "Keywatch is starting (data in "
            + dataDir
            + ", server logs in "
            + dataDir.resolve("run/logs")
            + ") ...");
    long started = System.nanoTime();
    KeywatchSystem system = KeywatchSystem.start(builder.build());
    if (system.startedWithoutStore()) {
      out.printf(
          "Keywatch is up in %.1f s, without its database: the admin API answers 503 until it is back,"
              + " the gateway serves the routes it saved.%n",
          (System.nanoTime() - started) / 1e9);
    } else {
      out.printf("Keywatch is ready in %.1f s.%n", (System.nanoTime() - started) / 1e9);
    }
    KeywatchSystem.Options o = system.options();
    out.println(
        "  admin API : "
            + system.adminUri()
            + "   (send the header X-API-KEY; listening on "
            + o.adminBind()
            + ")");
    out.println("  gateway   : " + system.proxyUri() + "   (listening on " + o.proxyBind() + ")");
    out.println(
        "  HTTPS     : "
            + system.proxyHttpsUri()
            + "   (certificates from the admin API's /ssls/, chosen by SNI)");
    out.println(
        "  status    : "
            + system.proxyStatusUri()
            + "   (the gateway's /health, /metrics, /openapi; listening on "
            + o.proxyStatusBind()
            + ")");
    out.println(
        "  store     : "
            + system.jdbcUrl()
            + (jdbcUrl.isPresent() ? "" : " (embedded PostgreSQL)")
            + (system.startedWithoutStore()
                ? ", unreachable"
                : ", revision " + system.storeRevision()));
    if (configuredKey.isPresent()) {
      out.println("  API key   : from " + Catalogue.envVar(LauncherSetting.API_KEY));
    } else {
      out.println(
          "  API key   : "
              + key.value()
              + (key.generated() ? " (generated now," : " (generated earlier,")
              + " kept in "
              + keyFile.file()
              + ")");
      out.println(
          "              to choose your own, start with "
              + Catalogue.envVar(LauncherSetting.API_KEY)
              + "=<secret>");
    }
    out.println("  try       : curl -H \"X-API-KEY: <key>\" " + system.adminUri() + "routes");
    return system;
  }

  private static void printHelp(PrintStream out) {
    out.println("Usage: keywatch [--help]");
    out.println();
    out.println(
        "Runs Keywatch: embedded PostgreSQL (or an existing one), the admin API and the gateway.");
    out.println("Settings are environment variables (or -D system properties of the dotted name):");
    out.println();
    for (Catalogue.Entry s : Catalogue.of(LauncherSetting.class).entries()) {
      out.printf("  %-30s %s%n", s.envVar(), s.doc());
      out.printf(
          "  %-30s (%s%s)%n",
          "", s.property(), s.defaultValue().map(d -> ", default " + d).orElse(""));
    }
    out.println();
    out.println(
        "The servers also read every keywatch.* MicroProfile Config setting from the environment,");
    out.println("e.g. KEYWATCH_RETENTION=P7D; see README.md.");
  }
}
