package io.keywatch.bench.proxy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Uploads that trickle in, one byte a second on each connection (issue 14's attack: a gateway that
 * holds a thread per upload serves nobody else beside a few hundred of them), to an upstream of
 * their own on loopback that reads every body whole, so that each upload stays open in the gateway
 * for as long as this runs.
 */
final class SlowUploads implements AutoCloseable {

  /** Longer than any run: the uploads never end while they are measured beside. */
  private static final int BODY_BYTES = 1_000_000;

  private static final Duration BEGUN_TIMEOUT = Duration.ofSeconds(60);

  private final HttpServer sink;
  private final ExecutorService sinkThreads = Executors.newCachedThreadPool();
  private final AtomicInteger begun = new AtomicInteger();
  private final AtomicInteger cut = new AtomicInteger();
  private final List<Socket> uploads = new ArrayList<>();
  private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();

  private SlowUploads() throws IOException {
    sink = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    sink.setExecutor(sinkThreads); // a thread per upload here: the upstream is not measured
    sink.createContext(
        "/",
        exchange -> {
          begun.incrementAndGet();
          try (InputStream body = exchange.getRequestBody()) {
            body.transferTo(OutputStream.nullOutputStream());
          }
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    sink.start();
  }

  /** Starts the upstream; {@link #begin} then sends the uploads to a route that leads to it. */
  static SlowUploads upstream() throws IOException {
    return new SlowUploads();
  }

  URI upstreamUri() {
    return URI.create("http://127.0.0.1:" + sink.getAddress().getPort());
  }

  /**
   * Opens {@code count} connections to {@code proxy}, each a POST to {@code path} with its first
   * body byte, then sends one more byte on each every second; returns once the upstream has begun
   * to receive every one of them.
   */
  void begin(URI proxy, String path, int count) throws IOException, InterruptedException {
    byte[] head =
        ("POST " + path + " HTTP/1.1\r\nHost: bench\r\nContent-Length: " + BODY_BYTES + "\r\n\r\nx")
            .getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < count; i++) {
      Socket s = new Socket(proxy.getHost(), proxy.getPort());
      uploads.add(s);
      s.getOutputStream().write(head);
    }
    trickle.scheduleAtFixedRate(this::oneByteEach, 1, 1, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + BEGUN_TIMEOUT.toNanos();
    while (begun.get() < count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the upstream began to receive " + begun.get() + " of " + count + " uploads");
      }
      Thread.sleep(50);
    }
  }

  private void oneByteEach() {
    for (Socket s : uploads) {
      if (!s.isClosed()) {
        try {
          s.getOutputStream().write('x');
        } catch (IOException e) {
          cut.incrementAndGet(); // the gateway closed it: counted, not fatal to the others
          closeQuietly(s);
        }
      }
    }
  }

  /** Uploads whose connection the gateway closed while they trickled in. */
  int cut() {
    return cut.get();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already gone
    }
  }

  @Override
  public void close() throws IOException {
    trickle.shutdownNow();
    uploads.forEach(SlowUploads::closeQuietly);
    sink.stop(0);
    sinkThreads.shutdownNow();
  }
}
