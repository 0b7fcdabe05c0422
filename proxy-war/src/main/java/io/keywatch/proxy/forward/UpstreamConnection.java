package io.keywatch.proxy.forward;

import io.keywatch.proxy.matcher.Target;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/** One HTTP/1.1 connection to an upstream, buffered both ways; used by one exchange at a time. */
final class UpstreamConnection implements Closeable {

  final Target.Address address;
  final InputStream in;
  final OutputStream out;
  private final Socket socket;
  /** Whether it served an exchange before: then the upstream may have closed it meanwhile. */
  private boolean reused;
  private long idleSince;

  UpstreamConnection(Target.Address address, Socket socket, int bufferSize) throws IOException {
    this.address = address;
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream(), bufferSize);
    this.out = new BufferedOutputStream(socket.getOutputStream(), bufferSize);
  }

  boolean reused() {
    return reused;
  }

  /** How long a read may wait before the exchange times out. */
  void timeout(long millis) throws IOException {
    socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, millis)));
  }

  void idle(long nanos) {
    reused = true;
    idleSince = nanos;
  }

  long idleSince() {
    return idleSince;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing to do: the connection is being dropped
    }
  }
}
