package io.keywatch.proxy.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywatch.proxy.matcher.Target;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a real listening socket on loopback, counting the connections it accepts. */
class UpstreamPoolTest {

  ServerSocket server;
  final List<Socket> accepted = new ArrayList<>();
  Thread acceptor;

  @BeforeEach
  void listen() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(() -> {
      try {
        while (true) {
          Socket s = server.accept();
          synchronized (accepted) {
            accepted.add(s);
          }
        }
      } catch (IOException closed) {
        // the test is over
      }
    });
    acceptor.start();
  }

  @AfterEach
  void close() throws IOException, InterruptedException {
    server.close();
    acceptor.join();
    synchronized (accepted) {
      for (Socket s : accepted) {
        s.close();
      }
    }
  }

  Target.Address address() {
    return new Target.Address(false, "127.0.0.1", server.getLocalPort());
  }

  @Test
  void aReleasedConnectionIsReusedAndMarkedSo() throws IOException {
    try (UpstreamPool pool = new UpstreamPool(4, Duration.ofMinutes(1), Duration.ofSeconds(5), 1024)) {
      UpstreamConnection first = pool.acquire(address());
      assertThat(first.reused()).isFalse();
      pool.release(first);
      UpstreamConnection again = pool.acquire(address());
      assertThat(again).isSameAs(first);
      assertThat(again.reused()).isTrue();
      assertThat(pool.acquire(address())).as("none idle: a new one").isNotSameAs(first);
    }
  }

  @Test
  void anIdleConnectionPastTheTimeoutIsNotReused() throws IOException {
    try (UpstreamPool pool = new UpstreamPool(4, Duration.ZERO, Duration.ofSeconds(5), 1024)) {
      UpstreamConnection first = pool.acquire(address());
      pool.release(first);
      assertThat(pool.acquire(address())).isNotSameAs(first);
    }
  }

  @Test
  void atMostMaxIdleAreKept() throws IOException {
    try (UpstreamPool pool = new UpstreamPool(1, Duration.ofMinutes(1), Duration.ofSeconds(5), 1024)) {
      UpstreamConnection a = pool.acquire(address());
      UpstreamConnection b = pool.acquire(address());
      pool.release(a);
      pool.release(b);
      assertThat(pool.acquire(address())).isSameAs(a);
      assertThat(pool.acquire(address())).isNotSameAs(b);
    }
  }

  @Test
  void aClosedPortIsRefused() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    try (UpstreamPool pool = new UpstreamPool(1, Duration.ofMinutes(1), Duration.ofSeconds(5), 1024)) {
      assertThatThrownBy(() -> pool.acquire(new Target.Address(false, "127.0.0.1", port))).isInstanceOf(ConnectException.class);
    }
  }
}
