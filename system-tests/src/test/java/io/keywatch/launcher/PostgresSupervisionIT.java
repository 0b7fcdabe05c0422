package io.keywatch.launcher;

import static io.keywatch.testing.Keywatch.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.testing.Keywatch;
import io.keywatch.testing.LauncherProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The launcher keeps its embedded PostgreSQL running: a postmaster killed with SIGKILL is reported
 * and restarted on the same port and data, and the admin API takes writes again after about the
 * restart's time, answering 503 meanwhile.
 */
class PostgresSupervisionIT {

  private static final Duration RESTARTED_WITHIN = Duration.ofSeconds(60);
  private static final String KEPT = "{\"written\": \"before the kill\"}";

  @Test
  void aKilledPostgresIsReportedRestartedAndTheAdminTakesWritesAgain() throws IOException {
    Path dataDir = LauncherProcess.freshDataDir("postgres-supervision");
    try (LauncherProcess launcher =
        LauncherProcess.start(
            dataDir,
            Map.of(
                "KEYWATCH_ADMIN_PORT", Integer.toString(LauncherProcess.freePort()),
                "KEYWATCH_PROXY_PORT", Integer.toString(LauncherProcess.freePort()),
                "KEYWATCH_PROXY_STATUS_PORT", Integer.toString(LauncherProcess.freePort()),
                "KEYWATCH_POSTGRES_PORT", Integer.toString(LauncherProcess.freePort())))) {
      Keywatch kw = launcher.client();
      assertThat(kw.adminPut("/kv/supervised/before", KEPT).statusCode()).isIn(200, 201);
      long pid = postmasterPid(dataDir);

      long killed = System.nanoTime();
      assertThat(ProcessHandle.of(pid).orElseThrow().destroyForcibly())
          .isTrue(); // SIGKILL: a crash, no shutdown
      eventually()
          .atMost(RESTARTED_WITHIN)
          .until(
              () ->
                  launcher
                      .printed("POSTGRES exited \\(pid (\\d+)")
                      .filter(p -> p.equals(Long.toString(pid)))
                      .isPresent());
      eventually()
          .atMost(RESTARTED_WITHIN)
          .until(() -> launcher.printed("POSTGRES restarted \\(pid (\\d+)").isPresent());

      Set<Integer> meanwhile = new TreeSet<>();
      eventually()
          .atMost(RESTARTED_WITHIN)
          .until(
              () -> {
                int status =
                    kw.adminPut("/kv/supervised/after", "{\"value\": \"written\"}").statusCode();
                meanwhile.add(status);
                return status == 200 || status == 201;
              });
      Duration window = Duration.ofNanos(System.nanoTime() - killed);
      System.out.printf(
          "SUPERVISION kill -9 of the postmaster to the first write taken again: %.2f s (%s); answers meanwhile %s%n",
          window.toMillis() / 1e3,
          launcher.printed("(POSTGRES restarted .*)").orElseThrow(),
          meanwhile);

      assertThat(meanwhile)
          .as("answers while PostgreSQL was away")
          .allMatch(s -> s == 503 || s == 200 || s == 201);
      assertThat(postmasterPid(dataDir)).as("a new postmaster").isNotEqualTo(pid);
      assertThat(kw.adminGet("/kv/supervised/before").body())
          .as("the data folder is the same")
          .contains(Base64.getEncoder().encodeToString(KEPT.getBytes(StandardCharsets.UTF_8)));
    }
  }

  /** The first line of postmaster.pid in the embedded PostgreSQL's data folder. */
  private static long postmasterPid(Path dataDir) {
    try {
      return Long.parseLong(
          Files.readAllLines(
                  dataDir.resolve("postgres").resolve("postmaster.pid"), StandardCharsets.US_ASCII)
              .get(0)
              .strip());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
