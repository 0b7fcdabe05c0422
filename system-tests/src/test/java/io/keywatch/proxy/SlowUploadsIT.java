package io.keywatch.proxy;

import static io.keywatch.proxy.ForwardingIT.routeTo;
import static io.keywatch.testing.Keywatch.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.keywatch.launcher.ServerRole;
import io.keywatch.testing.Keywatch;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Uploads that trickle in hold no thread of the gateway: more of them than the server has HTTP
 * threads (200) are forwarded at once, and the other clients are served meanwhile (issue 14 item 4:
 * 210 connections sending a body at 1 byte per second took every other request down).
 */
class SlowUploadsIT {

  /** Above the container's 200 HTTP threads: with a thread held per upload, nothing else runs. */
  static final int UPLOADS = 300;

  static final String BODY = "trickled-in";

  @Test
  void moreSlowUploadsThanServerThreadsAreForwardedAndOtherClientsServedMeanwhile()
      throws Exception {
    try (Keywatch kw =
            Keywatch.startPrivate(
                "slow-uploads",
                // the uploads must not be cut for silence while the test works through them
                o -> o.env(ServerRole.PROXY, "KEYWATCH_PROXY_BODY_TIMEOUT", "PT5M"));
        CountingUpstream upstream = new CountingUpstream();
        EchoUpstream other = new EchoUpstream("O")) {
      String base = routeTo(kw, upstream.url(), "");
      String otherBase = routeTo(kw, other.url(), "");

      List<Socket> uploads = new ArrayList<>();
      try {
        for (int i = 0; i < UPLOADS; i++) {
          Socket s = new Socket(kw.proxyUri().getHost(), kw.proxyUri().getPort());
          s.setSoTimeout(60_000);
          uploads.add(s);
          s.getOutputStream()
              .write(
                  ("POST "
                          + base
                          + "/upload/"
                          + i
                          + " HTTP/1.1\r\nHost: x\r\nContent-Length: "
                          + BODY.length()
                          + "\r\n\r\n"
                          + BODY.charAt(0))
                      .getBytes(StandardCharsets.ISO_8859_1));
        }
        eventually()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () ->
                    assertThat(upstream.started.get())
                        .as("uploads the upstream has begun to receive")
                        .isEqualTo(UPLOADS));

        // one more byte of every upload per round, and a request of another client in between
        for (int at = 1; at < BODY.length(); at++) {
          for (Socket s : uploads) {
            s.getOutputStream().write(BODY.charAt(at));
            s.getOutputStream().flush();
          }
          HttpResponse<String> meanwhile = kw.proxyGet(otherBase + "/meanwhile/" + at);
          assertThat(meanwhile.statusCode())
              .as("another client, while %d uploads trickle in", UPLOADS)
              .isEqualTo(200);
          assertThat(meanwhile.body()).isEqualTo("O GET " + otherBase + "/meanwhile/" + at);
        }

        for (int i = 0; i < UPLOADS; i++) {
          assertThat(answer(uploads.get(i).getInputStream()))
              .as("upload %d", i)
              .startsWith("HTTP/1.1 200 ")
              .endsWith("\r\n\r\n" + BODY);
        }
        assertThat(upstream.finished.get()).isEqualTo(UPLOADS);
      } finally {
        for (Socket s : uploads) {
          s.close();
        }
      }
    }
  }

  /** One HTTP/1.1 answer with a Content-Length: its head and body. */
  private static String answer(InputStream in) throws IOException {
    StringBuilder got = new StringBuilder();
    int contentLength = -1;
    for (int c = in.read(); c >= 0; c = in.read()) {
      got.append((char) c);
      if (contentLength < 0 && got.length() >= 4 && got.lastIndexOf("\r\n\r\n") >= 0) {
        String head = got.toString().toLowerCase();
        int at = head.indexOf("\r\ncontent-length:");
        contentLength =
            Integer.parseInt(head.substring(at + 17, head.indexOf('\r', at + 2)).trim());
      }
      if (contentLength >= 0 && got.length() - got.indexOf("\r\n\r\n") - 4 == contentLength) {
        break;
      }
    }
    return got.toString();
  }

  /**
   * An upstream that takes any number of requests at once (a thread each, on the test's side) and
   * answers each with the body it received; it counts the requests begun and finished.
   */
  private static final class CountingUpstream implements AutoCloseable {

    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger finished = new AtomicInteger();
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();

    CountingUpstream() throws IOException {
      server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), UPLOADS);
      server.createContext("/", this::handle);
      server.setExecutor(threads);
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
      try (ex) {
        boolean upload = ex.getRequestURI().getPath().contains("/upload/");
        if (upload) {
          started.incrementAndGet();
        }
        byte[] body = ex.getRequestBody().readAllBytes();
        ex.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
          try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
          }
        }
        if (upload) {
          finished.incrementAndGet();
        }
      }
    }

    @Override
    public void close() {
      server.stop(0);
      threads.shutdownNow();
    }
  }
}
