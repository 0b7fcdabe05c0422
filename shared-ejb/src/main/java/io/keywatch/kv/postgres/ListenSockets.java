package io.keywatch.kv.postgres;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import javax.net.SocketFactory;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Sockets for the LISTEN connection that hand a notification over as soon as it arrives.
 *
 * <p>After reading a notification, pgjdbc looks for more by reading under a 1 ms socket timeout
 * ({@code PGStream.hasMessagePending}), so {@code getNotifications} returned every wake-up 1 ms
 * after it came: half of the watch's latency on this loopback (put acknowledged at 0.8 ms, event at
 * 2.0 ms). On these sockets that look-ahead does not wait: a read under a 1 ms timeout with nothing
 * received yet times out at once. Whatever arrives later wakes the feed's next wait. (pgjdbc
 * instantiates the factory by class name, so it is public; over TLS it wraps the socket and waits
 * as before.)
 */
public final class ListenSockets extends SocketFactory {

  /** The timeout pgjdbc sets for its look-ahead read, and only for it. */
  private static final int LOOK_AHEAD_MILLIS = 1;

  /** Makes {@code dataSource}'s connections use these sockets; returns it. */
  static PGSimpleDataSource use(PGSimpleDataSource dataSource) {
    dataSource.setSocketFactory(ListenSockets.class.getName());
    return dataSource;
  }

  @Override
  public Socket createSocket() {
    return new PromptSocket();
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return connected(null, new InetSocketAddress(host, port));
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return connected(
        new InetSocketAddress(localAddress, localPort), new InetSocketAddress(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port) throws IOException {
    return connected(null, new InetSocketAddress(address, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return connected(
        new InetSocketAddress(localAddress, localPort), new InetSocketAddress(address, port));
  }

  /** A socket connected to {@code remote}, from {@code local} if given. */
  private static Socket connected(InetSocketAddress local, InetSocketAddress remote)
      throws IOException {
    Socket s = new PromptSocket();
    if (local != null) {
      s.bind(local);
    }
    s.connect(remote);
    return s;
  }

  private static final class PromptSocket extends Socket {

    @Override
    public InputStream getInputStream() throws IOException {
      InputStream in = super.getInputStream();
      return new FilterInputStream(in) {
        @Override
        public int read() throws IOException {
          lookAheadFindsNothing();
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          lookAheadFindsNothing();
          return in.read(b, off, len);
        }

        private void lookAheadFindsNothing() throws IOException {
          if (getSoTimeout() == LOOK_AHEAD_MILLIS && in.available() == 0) {
            throw new SocketTimeoutException("nothing more received");
          }
        }
      };
    }
  }
}
