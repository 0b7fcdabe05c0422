package io.keywatch.proxy;

import io.keywatch.launcher.KeywatchHome;
import io.keywatch.launcher.ServerRole;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A proxy server started alone, without waiting for it to be ready: the launcher waits for
 * readiness, which needs the store, and this proxy is started precisely while the store is away.
 */
final class StandaloneProxy implements AutoCloseable {

  private final Process process;
  private final int port;
  final Path log;

  StandaloneProxy(Path workDir, List<String> javaOptions, Map<String, String> env) throws IOException {
    KeywatchHome home = new KeywatchHome(Path.of(System.getProperty(KeywatchHome.PROPERTY)));
    port = freePort();
    Path tmp = Files.createDirectories(workDir.resolve("tmp"));
    log = workDir.resolve("proxy.log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(javaOptions);
    command.add("-Djava.io.tmpdir=" + tmp);
    command.addAll(List.of("-jar", home.payaraMicro().toString(), "--nocluster", "--disablephonehome",
        "--port", String.valueOf(port), "--rootdir", workDir.resolve("root").toString(),
        "--deploy", home.war(ServerRole.PROXY).toString(), "--contextroot", "/"));
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    process = pb.start();
  }

  URI uri() {
    return URI.create("http://localhost:" + port + "/");
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
