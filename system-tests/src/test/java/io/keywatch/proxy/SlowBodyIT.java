package io.keywatch.proxy;

import static io.keywatch.proxy.ForwardingIT.routeTo;
import static io.keywatch.testing.Keywatch.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.launcher.ServerRole;
import io.keywatch.testing.Keywatch;
import io.keywatch.testing.KeywatchTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A request body that stays silent longer than {@code keywatch.proxy.body-timeout} is answered 408
 * and its connection closed, the upstream getting nothing beyond what had arrived, while other
 * clients are served as usual.
 */
@KeywatchTest
class SlowBodyIT {

  static final Duration BODY_TIMEOUT = Duration.ofSeconds(2);

  @Test
  void aBodyThatStallsIsAnswered408WithinTheBodyTimeoutAndItsConnectionClosed() throws Exception {
    try (Keywatch kw =
            Keywatch.startPrivate(
                "slow-body",
                o ->
                    o.env(
                        ServerRole.PROXY, "KEYWATCH_PROXY_BODY_TIMEOUT", BODY_TIMEOUT.toString()));
        RawUpstream upstream =
            new RawUpstream(
                RawUpstream.replying("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        EchoUpstream other = new EchoUpstream("O");
        Socket client = new Socket(kw.proxyUri().getHost(), kw.proxyUri().getPort())) {
      String base = routeTo(kw, upstream.url(), "");
      String otherBase = routeTo(kw, other.url(), "");
      upstream.clearWire();

      client.setSoTimeout(30_000);
      OutputStream out = client.getOutputStream();
      out.write(
          ("POST " + base + "/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      String trickled = "";
      for (char c : "trickle".toCharArray()) { // one byte at a time, each once the upstream has it
        out.write(c);
        out.flush();
        String sent = trickled += c;
        eventually().untilAsserted(() -> assertThat(upstream.wire()).endsWith("\r\n\r\n" + sent));
      }
      long stalled = System.nanoTime();

      assertThat(kw.proxyGet(otherBase + "/meanwhile").body())
          .as("another client, while a body stalls")
          .isEqualTo("O GET " + otherBase + "/meanwhile");

      String answer = readToEnd(client.getInputStream());
      Duration took = Duration.ofNanos(System.nanoTime() - stalled);
      assertThat(answer)
          .startsWith("HTTP/1.1 408 ")
          .containsIgnoringCase("\r\nConnection: close\r\n");
      assertThat(took)
          .as("time from the stall to the 408 and the close")
          .isBetween(BODY_TIMEOUT.minusMillis(500), BODY_TIMEOUT.plusSeconds(8));
      assertThat(upstream.wire()).as("what the upstream got").endsWith("\r\n\r\ntrickle");
    }
  }

  /**
   * The route's timeout (here 1 s, below the body timeout's 60 s) runs out while the gateway waits
   * for the client's body: the client was silent, not the upstream, so it is 408 too, never 504.
   */
  @Test
  void aBodyThatStallsLongerThanTheRoutesTimeoutIs408NotTheUpstreams504(Keywatch kw)
      throws Exception {
    try (RawUpstream upstream =
            new RawUpstream(
                RawUpstream.replying("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        Socket client = new Socket(kw.proxyUri().getHost(), kw.proxyUri().getPort())) {
      String base = routeTo(kw, upstream.url(), ", \"timeout\": 1");
      upstream.clearWire();
      client.setSoTimeout(30_000);
      client
          .getOutputStream()
          .write(
              ("POST " + base + "/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nstall")
                  .getBytes(StandardCharsets.ISO_8859_1));
      eventually().untilAsserted(() -> assertThat(upstream.wire()).endsWith("\r\n\r\nstall"));

      assertThat(readToEnd(client.getInputStream()))
          .startsWith("HTTP/1.1 408 ")
          .containsIgnoringCase("\r\nConnection: close\r\n");
    }
  }

  /** Everything until the proxy closes the connection (a reset ends it too). */
  private static String readToEnd(InputStream in) throws IOException {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        got.write(buffer, 0, n);
      }
    } catch (SocketException reset) {
      // what came before it is the answer
    }
    return got.toString(StandardCharsets.ISO_8859_1);
  }
}
