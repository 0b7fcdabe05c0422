package io.keywatch.proxy.forward;

import io.keywatch.proxy.matcher.Target;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

/**
 * Idle keep-alive connections per upstream address. The most recently used connection is handed
 * out first (it is the least likely to have been closed by the upstream); one idle longer than the
 * idle timeout is closed instead, and at most {@code maxIdle} are kept per address.
 */
final class UpstreamPool implements AutoCloseable {

  private final Map<Target.Address, Idle> idle = new ConcurrentHashMap<>();
  private final int maxIdle;
  private final long idleTimeoutNanos;
  private final int connectTimeoutMillis;
  private final int bufferSize;

  UpstreamPool(int maxIdle, Duration idleTimeout, Duration connectTimeout, int bufferSize) {
    this.maxIdle = maxIdle;
    this.idleTimeoutNanos = idleTimeout.toNanos();
    this.connectTimeoutMillis = (int) connectTimeout.toMillis();
    this.bufferSize = bufferSize;
  }

  /** An idle connection to the address if there is a fresh one, else a new one. */
  UpstreamConnection acquire(Target.Address address) throws IOException {
    Idle q = idle.get(address);
    if (q != null) {
      long now = System.nanoTime();
      UpstreamConnection c;
      while ((c = q.poll()) != null) {
        if (now - c.idleSince() < idleTimeoutNanos) {
          return c;
        }
        c.close();
      }
    }
    return connect(address);
  }

  /** A new connection, never a pooled one. */
  UpstreamConnection connect(Target.Address address) throws IOException {
    SocketFactory factory = address.tls() ? SSLSocketFactory.getDefault() : SocketFactory.getDefault();
    Socket socket = factory.createSocket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(address.host(), address.port()), connectTimeoutMillis);
      return new UpstreamConnection(address, socket, bufferSize);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** Keeps a connection whose last exchange was read to its end, for the next request. */
  void release(UpstreamConnection c) {
    c.idle(System.nanoTime());
    if (!idle.computeIfAbsent(c.address, a -> new Idle()).offer(c, maxIdle)) {
      c.close();
    }
  }

  @Override
  public void close() {
    idle.values().forEach(Idle::closeAll);
  }

  private static final class Idle {
    private final ConcurrentLinkedDeque<UpstreamConnection> connections = new ConcurrentLinkedDeque<>();
    private final AtomicInteger count = new AtomicInteger();

    UpstreamConnection poll() {
      UpstreamConnection c = connections.pollFirst();
      if (c != null) {
        count.decrementAndGet();
      }
      return c;
    }

    boolean offer(UpstreamConnection c, int max) {
      if (count.incrementAndGet() > max) {
        count.decrementAndGet();
        return false;
      }
      connections.offerFirst(c);
      return true;
    }

    void closeAll() {
      UpstreamConnection c;
      while ((c = poll()) != null) {
        c.close();
      }
    }
  }
}
