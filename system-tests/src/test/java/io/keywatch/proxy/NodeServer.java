package io.keywatch.proxy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One node of an upstream on loopback (the JDK's HTTP server), that can be killed and started again
 * on its port. It answers {@code <name> <Host header>}; {@code /health} answers {@link #health}
 * (counted in {@link #probes}); {@code /hold} answers only once {@link #release} is counted down.
 */
final class NodeServer implements AutoCloseable {

  final String name;
  final int port;
  volatile int health = 200;
  final AtomicInteger probes = new AtomicInteger();
  final AtomicInteger served = new AtomicInteger();
  final CountDownLatch release = new CountDownLatch(1);
  private HttpServer server; // guarded by this, as is running
  private ExecutorService threads;
  private boolean running;

  NodeServer(String name) {
    this(name, 0);
  }

  private NodeServer(String name, int port) {
    this.name = name;
    start(port);
    this.port = server.getAddress().getPort();
  }

  String address() {
    return "127.0.0.1:" + port;
  }

  /** Stops at once: open connections are closed, the port refuses. */
  synchronized void kill() {
    if (running) {
      running = false;
      server.stop(0);
      threads.shutdownNow();
    }
  }

  /** Listens on its port again after {@link #kill}. */
  synchronized void restart() {
    start(port);
  }

  private void start(int on) {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), on), 128);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    threads = Executors.newFixedThreadPool(16);
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
    running = true;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      ex.getRequestBody().readAllBytes();
      String path = ex.getRequestURI().getRawPath();
      int status = 200;
      if (path.endsWith("/health")) {
        probes.incrementAndGet();
        status = health;
      } else {
        served.incrementAndGet();
        if (path.endsWith("/hold")) {
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
      byte[] body =
          (name + " " + ex.getRequestHeaders().getFirst("Host")).getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(status, body.length);
      ex.getResponseBody().write(body);
    }
  }

  @Override
  public synchronized void close() {
    kill();
  }
}
