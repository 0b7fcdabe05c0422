package io.keywatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywatch.testing.Keywatch;
import io.keywatch.testing.LauncherProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * A start that cannot succeed ends soon, says why in words a user can act on, and leaves no process
 * behind.
 */
class StartFailuresIT {

  private static final Duration SOON = Duration.ofSeconds(90);

  private Path work;

  @BeforeEach
  void freshFolder(TestInfo test) {
    work =
        Keywatch.runDir()
            .resolve("start-failures")
            .resolve(test.getTestMethod().orElseThrow().getName());
    Folders.deleteTree(work);
  }

  @Test
  void aDatabaseThatRefusesUsIsReportedBeforeAnyServerStarts() {
    // a database that is down does not stop the start (StartWithoutDatabaseIT); one that answers
    // and refuses us does: waiting would not cure a wrong name or password
    EmbeddedDatabase database =
        new EmbeddedDatabase(
            work.resolve("db"),
            work.resolve("db-binaries"),
            work.resolve("db.log"),
            LauncherProcess.freePort());
    database.start();
    try {
      String url = database.jdbcUrl().replace("/postgres", "/no_such_database");
      KeywatchSystem.Options options = options(home()).jdbcUrl(url).build();

      long started = System.nanoTime();
      assertThatThrownBy(() -> KeywatchSystem.start(options))
          .isInstanceOf(ServerStartException.class)
          .hasMessageContaining("PostgreSQL at " + url + " refuses user")
          .hasMessageContaining("no_such_database")
          .hasMessageContaining("KEYWATCH_JDBC_URL");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
      assertThat(work.resolve("system").resolve("logs").resolve("admin.log")).doesNotExist();
    } finally {
      database.stop();
    }
  }

  @Test
  void aWarThatFailsToDeployEndsTheStartWithItsLogAndStopsEverything() throws IOException {
    Path home = Files.createDirectories(work.resolve("home"));
    Path real = home();
    Files.createSymbolicLink(home.resolve("payara-micro.jar"), real.resolve("payara-micro.jar"));
    Files.createSymbolicLink(
        home.resolve("keywatch-admin.war"), real.resolve("keywatch-admin.war"));
    brokenWar(home.resolve("keywatch-proxy.war"));
    KeywatchSystem.Options options = options(home).build();

    long started = System.nanoTime();
    assertThatThrownBy(() -> KeywatchSystem.start(options))
        .isInstanceOf(ServerStartException.class)
        .hasMessageContaining("proxy server cannot start")
        .hasMessageContaining(
            "Caused by: org.xml.sax.SAXParseException"); // the reason, not only stack frames
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(SOON);
    assertThat(
            ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .map(p -> p.info().commandLine().orElse("?")))
        .as("processes left behind")
        .noneMatch(cmd -> cmd.contains(work.toString()));
  }

  private KeywatchSystem.Builder options(Path home) {
    return KeywatchSystem.Options.builder()
        .workDir(work.resolve("system"))
        .home(home)
        .apiKey("k")
        .javaOption(Keywatch.SERVER_JAVA_OPTIONS)
        .startTimeout(SOON.multipliedBy(2));
  }

  private static Path home() {
    return KeywatchHome.locate().dir();
  }

  /** A WAR whose deployment descriptor is not even XML. */
  private static void brokenWar(Path war) throws IOException {
    try (OutputStream out = Files.newOutputStream(war);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry("WEB-INF/web.xml"));
      zip.write("<web-app><broken>".getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
  }
}
