package io.keywatch.proxy;

import static io.keywatch.proxy.ForwardingIT.routeTo;
import static io.keywatch.proxy.InterimResponsesIT.write;
import static io.keywatch.testing.Keywatch.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.testing.Keywatch;
import io.keywatch.testing.KeywatchTest;
import java.io.IOException;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An upstream connection that sent more than the answer to the request on it (a second response, or
 * bytes while it sat idle in the pool) is out of step with its requests: it is closed, never
 * reused, so no client ever gets the answer meant for another request.
 */
@KeywatchTest
class UpstreamConnectionReuseIT {

  @Test
  void aConnectionThatAnswersOneRequestTwiceIsClosedAndTheNextRequestGetsItsOwnAnswer(Keywatch kw)
      throws IOException {
    Map<String, Socket> servedBy = new ConcurrentHashMap<>();
    try (RawUpstream up =
        new RawUpstream(
            (head, socket, u) -> {
              String path =
                  head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
              servedBy.put(path, socket);
              String answer =
                  path.endsWith("/double")
                      ? "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirstHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nextra"
                      : "HTTP/1.1 200 OK\r\nContent-Length: " + path.length() + "\r\n\r\n" + path;
              write(socket.getOutputStream(), answer);
            })) {
      String base = routeTo(kw, up.url(), "");
      for (int i = 0; i < 3; i++) {
        assertThat(kw.proxyGet(base + "/" + i + "/double").body()).isEqualTo("first");
        Socket doubled = servedBy.get(base + "/" + i + "/double");
        // at once, well within the pool's idle timeout, which would close the connection anyway
        String next = base + "/" + i + "/next";
        assertThat(kw.proxyGet(next).body()).as("the next request's own answer").isEqualTo(next);
        assertThat(servedBy.get(next))
            .as("the connection that answered twice is not reused")
            .isNotSameAs(doubled);
        eventually()
            .untilAsserted(() -> assertThat(doubled.isClosed()).as("and it is closed").isTrue());
      }
    }
  }

  @Test
  void bytesOnAnIdleConnectionCloseIt(Keywatch kw) throws Exception {
    CountDownLatch answered = new CountDownLatch(1);
    CountDownLatch staleSent = new CountDownLatch(1);
    Map<String, Socket> servedBy = new ConcurrentHashMap<>();
    try (RawUpstream up =
        new RawUpstream(
            (head, socket, u) -> {
              String path =
                  head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
              servedBy.put(path, socket);
              write(
                  socket.getOutputStream(),
                  "HTTP/1.1 200 OK\r\nContent-Length: " + path.length() + "\r\n\r\n" + path);
              if (path.endsWith("/early")) {
                try {
                  answered.await(
                      30,
                      TimeUnit
                          .SECONDS); // the proxy has passed the answer on: the connection is idle
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                // sent at once, not held back by Nagle until the proxy's delayed ACK: bytes that
                // reach the
                // proxy only after it sent the next request are indistinguishable from its answer
                socket.setTcpNoDelay(true);
                write(
                    socket.getOutputStream(), "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale");
                staleSent.countDown();
              }
            })) {
      String base = routeTo(kw, up.url(), "");
      assertThat(kw.proxyGet(base + "/early").body()).isEqualTo(base + "/early");
      answered.countDown();
      assertThat(staleSent.await(30, TimeUnit.SECONDS)).isTrue();
      Socket early = servedBy.get(base + "/early");

      String after = base + "/after";
      assertThat(kw.proxyGet(after).body())
          .as("its own answer, not the stale one")
          .isEqualTo(after);
      assertThat(servedBy.get(after))
          .as("the connection that sent bytes while idle is not reused")
          .isNotSameAs(early);
      eventually()
          .untilAsserted(() -> assertThat(early.isClosed()).as("and it is closed").isTrue());
    }
  }
}
