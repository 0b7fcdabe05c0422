package io.keywatch.etcd;

import io.keywatch.launcher.Folders;
import io.keywatch.testing.Keywatch;
import io.keywatch.testing.LauncherProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real etcd 3.4 ({@code /usr/bin/etcd}) on loopback free ports with a data folder of its own
 * under this JVM's run folder, for tests that compare Keywatch's answers with etcd's.
 */
final class RealEtcd implements AutoCloseable {

  static final Path BINARY = Path.of("/usr/bin/etcd");
  private static final String DATA = "data";

  private final Process process;
  private final int clientPort;
  private final Path dataDir;

  private RealEtcd(Process process, int clientPort, Path dataDir) {
    this.process = process;
    this.clientPort = clientPort;
    this.dataDir = dataDir;
  }

  /** Starts one with etcd's defaults and these flags besides. */
  static RealEtcd start(String name, String... flags) {
    Path dir = Keywatch.runDir().resolve(name);
    Folders.deleteTree(dir);
    int client = LauncherProcess.freePort();
    int peer = LauncherProcess.freePort();
    String clientUrl = "http://127.0.0.1:" + client;
    String peerUrl = "http://127.0.0.1:" + peer;
    ProcessBuilder pb =
        new ProcessBuilder(
                BINARY.toString(),
                "--name",
                "default",
                "--data-dir",
                dir.resolve(DATA).toString(),
                "--listen-client-urls",
                clientUrl,
                "--advertise-client-urls",
                clientUrl,
                "--listen-peer-urls",
                peerUrl,
                "--initial-advertise-peer-urls",
                peerUrl,
                "--initial-cluster",
                "default=" + peerUrl)
            .redirectErrorStream(true);
    pb.command().addAll(List.of(flags));
    try {
      Files.createDirectories(dir);
      pb.redirectOutput(dir.resolve("etcd.log").toFile());
      RealEtcd etcd = new RealEtcd(pb.start(), client, dir.resolve(DATA));
      Etcdctl ctl = etcd.etcdctl(null);
      Keywatch.eventually().until(() -> ctl.run("endpoint", "health").exit() == 0);
      return etcd;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + BINARY, e);
    }
  }

  String endpoint() {
    return "127.0.0.1:" + clientPort;
  }

  int clientPort() {
    return clientPort;
  }

  Etcdctl etcdctl(String user) {
    return new Etcdctl(endpoint(), user);
  }

  /** Turns on etcd's auth with the one user Keywatch has: root with this password. */
  void enableAuth(String rootPassword) {
    Etcdctl ctl = etcdctl(null);
    ctl.require("user", "add", "root:" + rootPassword);
    ctl.require("auth", "enable");
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    if (!process.isAlive()) {
      Folders.deleteTree(dataDir); // its write-ahead log alone takes 64 MB; etcd.log stays
    }
  }
}
