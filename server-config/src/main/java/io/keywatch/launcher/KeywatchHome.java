package io.keywatch.launcher;

import io.keywatch.settings.LauncherSetting;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The folder that holds what the launcher runs: {@code payara-micro.jar}, the two WARs and {@code
 * config/}. The build lays it out in {@code server-config/target/keywatch/}, beside the launcher
 * jar; the system property {@code keywatch.home} (env KEYWATCH_HOME) points elsewhere.
 */
public record KeywatchHome(Path dir) {

  public static final String PROPERTY = LauncherSetting.HOME;

  public KeywatchHome {
    dir = dir.toAbsolutePath().normalize();
    for (Path required :
        new Path[] {
          dir.resolve("payara-micro.jar"),
          dir.resolve(ServerRole.ADMIN.war()),
          dir.resolve(ServerRole.PROXY.war())
        }) {
      if (!Files.isRegularFile(required)) {
        throw new IllegalStateException(
            "Keywatch home "
                + dir
                + " lacks "
                + required.getFileName()
                + " (build it with `mvn -B -DskipTests install`, or set "
                + PROPERTY
                + " / KEYWATCH_HOME)");
      }
    }
  }

  /** The home named by {@code keywatch.home} / KEYWATCH_HOME, else the launcher jar's folder. */
  public static KeywatchHome locate() {
    String configured = LauncherConfig.lookup(PROPERTY);
    if (configured != null) {
      return new KeywatchHome(Path.of(configured));
    }
    try {
      Path code =
          Path.of(KeywatchHome.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return new KeywatchHome(code.getParent());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(
          "cannot tell where the launcher was loaded from; set " + PROPERTY, e);
    }
  }

  public Path payaraMicro() {
    return dir.resolve("payara-micro.jar");
  }

  public Path war(ServerRole role) {
    return dir.resolve(role.war());
  }

  /** Payara Micro settings shipped with the WARs (logging). */
  public Path config(String name) {
    return dir.resolve("config").resolve(name);
  }
}
