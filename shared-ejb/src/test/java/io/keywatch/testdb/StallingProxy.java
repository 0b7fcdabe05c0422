package io.keywatch.testdb;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A TCP relay on loopback that can silently stall the connections it carries: bytes stop flowing
 * but nothing is closed, like a half-open connection after a network partition. Connections made
 * after {@link #stallOpenConnections()} flow normally, unless it {@link #refuseConnections refuses}
 * them.
 */
public final class StallingProxy implements AutoCloseable {

  private final ServerSocket server;
  private final int targetPort;
  private final List<Link> links = new CopyOnWriteArrayList<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile boolean refusing;

  private static final class Link {
    final Socket client;
    final Socket upstream;
    volatile boolean stalled;

    Link(Socket client, Socket upstream) {
      this.client = client;
      this.upstream = upstream;
    }
  }

  public StallingProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "stalling-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** While refusing, new connections are closed at once, as if the server were down. */
  public void refuseConnections(boolean refuse) {
    refusing = refuse;
  }

  /** From now on, the connections open now carry no more bytes in either direction. */
  public void stallOpenConnections() {
    links.forEach(l -> l.stalled = true);
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        if (refusing) {
          client.close();
          continue;
        }
        Socket upstream = new Socket();
        upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
        Link link = new Link(client, upstream);
        links.add(link);
        pump(link, client, upstream);
        pump(link, upstream, client);
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(Link link, Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[8192];
              try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                for (int n; (n = in.read(buf)) >= 0; ) {
                  if (link.stalled) {
                    closed
                        .await(); // hold the sockets open and say nothing: no data, no FIN, no RST
                    return;
                  }
                  out.write(buf, 0, n);
                  out.flush();
                }
                to.shutdownOutput();
              } catch (IOException e) {
                // one side went away; the other pump notices on its own
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "stalling-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    server.close();
    closed.countDown();
    for (Link l : links) {
      l.client.close();
      l.upstream.close();
    }
  }
}
