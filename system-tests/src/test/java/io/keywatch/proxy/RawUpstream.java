package io.keywatch.proxy;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A misbehaving (or exactly scripted) upstream on a raw socket: for each request head it reads, it
 * runs the script, which may answer anything, hang, or reset. Connections stay open for further
 * requests unless the script closes them, so keep-alive reuse can be counted. Every byte received
 * is kept ({@link #wire()}), to prove what never reached it.
 */
final class RawUpstream implements AutoCloseable {

  /** What the upstream does with one request. */
  interface Script {
    void answer(String requestHead, Socket socket, RawUpstream upstream) throws IOException;
  }

  /** Answers with these bytes and keeps the connection. */
  static Script replying(String response) {
    return (head, socket, up) ->
        socket.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Answers these bytes, then resets the connection (RST, not FIN). */
  static Script replyingThenReset(String response) {
    return (head, socket, up) -> {
      socket.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      reset(socket);
    };
  }

  /** Never answers, until the upstream is closed. */
  static Script silent() {
    return (head, socket, up) -> {
      try {
        up.closed.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
  }

  static void reset(Socket socket) throws IOException {
    socket.setSoLinger(true, 0);
    socket.close();
  }

  private final ServerSocket server;
  private final Script script;
  private final Thread acceptor;
  private final CountDownLatch closed = new CountDownLatch(1);
  final List<String> heads = new CopyOnWriteArrayList<>();
  final AtomicInteger connections = new AtomicInteger();

  /** Every byte the proxy sent, on any connection (guarded by itself). */
  private final ByteArrayOutputStream wire = new ByteArrayOutputStream();

  RawUpstream(Script script) {
    this.script = script;
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    acceptor = new Thread(this::accept, "raw-upstream");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        connections.incrementAndGet();
        Thread t = new Thread(() -> serve(s), "raw-upstream-connection");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = recorded(s.getInputStream());
      OutputStream out = s.getOutputStream();
      for (String head = readHead(in); head != null && !s.isClosed(); head = readHead(in)) {
        heads.add(head);
        skipBody(head, in);
        script.answer(head, s, this);
        if (!s.isClosed()) {
          out.flush();
        }
      }
    } catch (IOException e) {
      // the proxy went away; nothing to do
    }
  }

  /** Everything the proxy has sent so far, as ISO-8859-1 text. */
  String wire() {
    synchronized (wire) {
      return wire.toString(StandardCharsets.ISO_8859_1);
    }
  }

  void clearWire() {
    synchronized (wire) {
      wire.reset();
    }
  }

  private InputStream recorded(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          synchronized (wire) {
            wire.write(b);
          }
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          synchronized (wire) {
            wire.write(b, off, n);
          }
        }
        return n;
      }
    };
  }

  /** The request head up to the empty line, or null at end of stream. */
  static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    for (int b = in.read(); b >= 0; b = in.read()) {
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        return head.toString(StandardCharsets.ISO_8859_1);
      }
    }
    return null;
  }

  private static void skipBody(String head, InputStream in) throws IOException {
    for (String line : head.split("\r\n")) {
      String lower = line.toLowerCase();
      if (lower.startsWith("content-length:")) {
        in.readNBytes(Integer.parseInt(line.substring(15).strip()));
      } else if (lower.startsWith("transfer-encoding:") && lower.endsWith("chunked")) {
        for (int size = chunkSize(in); size > 0; size = chunkSize(in)) {
          in.readNBytes(size + 2);
        }
        in.readNBytes(2); // the empty line after the last chunk (no trailers are sent to it)
      }
    }
  }

  private static int chunkSize(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return Integer.parseInt(line.toString().strip(), 16);
  }

  @Override
  public void close() throws IOException {
    closed.countDown();
    server.close();
  }
}
