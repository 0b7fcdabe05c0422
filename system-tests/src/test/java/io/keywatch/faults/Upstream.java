package io.keywatch.faults;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback upstream (the JDK's HTTP server) that answers {@code <name> <path>}, so a test sees
 * which one served.
 */
final class Upstream implements AutoCloseable {

  private final String name;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);

  Upstream(String name) {
    this.name = name;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** What this upstream answers to a request for that path. */
  String answer(String path) {
    return name + " " + path;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body = answer(ex.getRequestURI().getRawPath()).getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "text/plain");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
