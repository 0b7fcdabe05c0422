package io.keywatch.proxy.forward;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The bytes of an upgraded connection piped both ways, untouched, between the client's connection
 * and the upstream's socket ({@link WebSocketUpgrade}); when either side ends or fails, both are
 * closed. Each direction waits for the other end to take what it read before reading more, so a
 * slow reader slows the writer down and nothing piles up in the heap.
 *
 * <p>Client to upstream: non-blocking reads ({@code ReadListener}), no thread while the client is
 * quiet; each piece is written to the upstream's socket blocking, on the container's thread.
 * Upstream to client: one thread per tunnel, blocked reading the upstream's socket and writing to
 * the client's connection (a socket has no non-blocking stream API; a selector of our own for the
 * upstream side would save the thread, at the cost of its own event loop).
 */
public class Tunnel implements HttpUpgradeHandler {

  private static final Logger LOG = Logger.getLogger(Tunnel.class.getName());
  private static final AtomicInteger OPEN = new AtomicInteger();

  private final AtomicBoolean closed = new AtomicBoolean();
  private Socket upstream;
  private InputStream fromUpstream;
  private int bufferSize;
  private WebConnection client;

  /** The tunnels open now. */
  static int open() {
    return OPEN.get();
  }

  /**
   * Called before the container hands over the connection: the upstream's side, switched already.
   */
  void attach(Socket upstream, InputStream fromUpstream, int bufferSize) {
    this.upstream = upstream;
    this.fromUpstream = fromUpstream;
    this.bufferSize = bufferSize;
  }

  @Override
  public void init(WebConnection connection) {
    client = connection;
    OPEN.incrementAndGet();
    try {
      ServletOutputStream toClient = connection.getOutputStream();
      OutputStream toUpstream = upstream.getOutputStream();
      ServletInputStream fromClient = connection.getInputStream();
      Thread pump =
          new Thread(
              () -> upstreamToClient(toClient), "websocket-tunnel-" + upstream.getLocalPort());
      pump.setDaemon(true);
      pump.start();
      fromClient.setReadListener(new ClientToUpstream(fromClient, toUpstream));
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.FINE, "tunnel failed to start", e);
      close();
    }
  }

  private void upstreamToClient(ServletOutputStream toClient) {
    byte[] buffer = new byte[bufferSize];
    try {
      for (int n = fromUpstream.read(buffer);
          n >= 0 && !closed.get();
          n = fromUpstream.read(buffer)) {
        toClient.write(buffer, 0, n);
        toClient.flush();
      }
    } catch (IOException e) {
      // either end went away: both are closed below
    } finally {
      close();
    }
  }

  private final class ClientToUpstream implements ReadListener {

    private final ServletInputStream in;
    private final OutputStream out;
    private final byte[] buffer = new byte[bufferSize];

    ClientToUpstream(ServletInputStream in, OutputStream out) {
      this.in = in;
      this.out = out;
    }

    @Override
    public void onDataAvailable() throws IOException {
      while (in.isReady()) {
        int n = in.read(buffer);
        if (n < 0) {
          return;
        }
        out.write(buffer, 0, n);
      }
      out.flush();
    }

    @Override
    public void onAllDataRead() {
      close();
    }

    @Override
    public void onError(Throwable failure) {
      close();
    }
  }

  /** Closes both ends, once. */
  private void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      upstream.close();
    } catch (IOException e) {
      // closing anyway
    }
    if (client != null) {
      OPEN.decrementAndGet();
      try {
        client.close();
      } catch (Exception e) {
        // the client's connection is gone already
      }
    }
  }

  @Override
  public void destroy() {
    close();
  }
}
