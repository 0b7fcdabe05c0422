package io.keywatch.proxy;

import static io.keywatch.proxy.ForwardingIT.routeTo;
import static io.keywatch.testing.Keywatch.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.testing.Keywatch;
import io.keywatch.testing.KeywatchTest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Slow upstreams do not hold the proxy's threads: requests waiting for an upstream cost no thread
 * each, and a streamed response passes on each piece as the upstream sends it.
 */
@KeywatchTest
class SlowUpstreamIT {

  /**
   * More than the proxy's HTTP thread pool (Payara's http-thread-pool, 200 threads): a proxy that
   * held a thread per waiting request would pass no more than 200 on, and queue the rest, the
   * request to the other route too.
   */
  static final int HELD = 250;

  @Test
  void requestsWaitingForASlowUpstreamHoldNoThreadEach(Keywatch kw) throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger arrived = new AtomicInteger();
    try (RawUpstream slow =
            new RawUpstream(
                (head, socket, up) -> {
                  if (head.contains("/wait")) { // not the probe that sees the route is in place
                    arrived.incrementAndGet();
                    await(release);
                  }
                  socket
                      .getOutputStream()
                      .write(
                          "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nslow"
                              .getBytes(StandardCharsets.ISO_8859_1));
                });
        EchoUpstream fast = new EchoUpstream("F")) {
      String slowBase = routeTo(kw, slow.url(), ", \"timeout\": 120");
      String fastBase = routeTo(kw, fast.url(), "");

      List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
      for (int i = 0; i < HELD; i++) {
        held.add(
            kw.http()
                .sendAsync(
                    kw.proxyRequest(slowBase + "/wait" + i).timeout(Duration.ofMinutes(2)).build(),
                    HttpResponse.BodyHandlers.ofString()));
      }
      try {
        eventually()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () ->
                    assertThat(arrived.get())
                        .as("requests the slow upstream has received")
                        .isEqualTo(HELD));
        assertThat(kw.proxyGet(fastBase + "/meanwhile").body())
            .as("another route is served while %d requests wait", HELD)
            .isEqualTo("F GET " + fastBase + "/meanwhile");
      } finally {
        release.countDown();
      }
      for (CompletableFuture<HttpResponse<String>> r : held) {
        HttpResponse<String> answer = r.get(2, TimeUnit.MINUTES);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("slow");
      }
    }
  }

  @Test
  void aStreamedResponsePassesOnEachPieceAsItIsSent(Keywatch kw) throws Exception {
    CountDownLatch firstSeen = new CountDownLatch(1);
    try (RawUpstream stream =
        eventStream(
            "/events",
            out -> {
              out.write("d\r\ndata: first\n\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
              out.flush();
              await(firstSeen); // the second event is sent only once the client has the first
              out.write("e\r\ndata: second\n\n\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            })) {
      String base = routeTo(kw, stream.url(), "");
      HttpResponse<InputStream> r =
          kw.send(
              kw.proxyRequest(base + "/events").build(), HttpResponse.BodyHandlers.ofInputStream());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("text/event-stream");
      try (BufferedReader events =
          new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        assertThat(events.readLine()).isEqualTo("data: first");
        firstSeen.countDown();
        assertThat(events.readLine()).isEmpty();
        assertThat(events.readLine()).isEqualTo("data: second");
      } finally {
        firstSeen.countDown();
      }
    }
  }

  @Test
  void aClientThatLeavesAStreamClosesTheUpstreamConnection(Keywatch kw) throws Exception {
    CountDownLatch upstreamCut = new CountDownLatch(1);
    try (RawUpstream stream =
        eventStream(
            "/endless",
            out -> {
              try {
                while (true) { // a comment line every 50 ms until the proxy drops the connection
                  out.write("4\r\n:\n\n\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                  out.flush();
                  Thread.sleep(50);
                }
              } catch (IOException cut) {
                upstreamCut.countDown();
                throw cut;
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            })) {
      String base = routeTo(kw, stream.url(), "");
      HttpResponse<InputStream> r =
          kw.send(
              kw.proxyRequest(base + "/endless").build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertThat(r.statusCode()).isEqualTo(200);
      try (InputStream body = r.body()) {
        assertThat(body.readNBytes(3)).isEqualTo(":\n\n".getBytes(StandardCharsets.ISO_8859_1));
      }
      assertThat(upstreamCut.await(30, TimeUnit.SECONDS))
          .as("the upstream's connection closed after the client left")
          .isTrue();
    }
  }

  @Test
  void anUpstreamThatStopsReadingTheBodyIs504AfterTheRoutesTimeout(Keywatch kw) throws Exception {
    try (ServerSocket deaf = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Socket> accepted = new CopyOnWriteArrayList<>();
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    Socket s = deaf.accept();
                    accepted.add(s);
                    if (RawUpstream.readHead(s.getInputStream()).contains("/deaf")) {
                      continue; // reads the head of the real request, never its body
                    }
                    s.getOutputStream()
                        .write(
                            "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"
                                .getBytes(StandardCharsets.ISO_8859_1));
                    s.close();
                  }
                } catch (IOException closed) {
                  // the test is over
                }
              },
              "deaf-upstream");
      acceptor.start();
      String base = routeTo(kw, "http://127.0.0.1:" + deaf.getLocalPort(), ", \"timeout\": 0.5");
      // far more than the socket buffers between proxy and upstream can take
      byte[] mib = new byte[1 << 20];
      HttpResponse<String> r =
          kw.send(
              kw.proxyRequest(base + "/deaf")
                  .timeout(Duration.ofSeconds(60))
                  .POST(
                      HttpRequest.BodyPublishers.fromPublisher(
                          HttpRequest.BodyPublishers.ofByteArrays(Collections.nCopies(256, mib)),
                          256L << 20))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(504);
      assertThat(r.body()).isEqualTo("upstream timed out\n");
      for (Socket s : accepted) {
        s.close();
      }
    }
  }

  /** Writes the chunks of an event stream, after its head. */
  private interface Events {
    void write(OutputStream out) throws IOException;
  }

  /**
   * An upstream that answers a request whose path has {@code path} with a chunked event stream that
   * {@code events} writes, and any other request (the probe that sees the route is in place) with
   * 204.
   */
  private static RawUpstream eventStream(String path, Events events) {
    return new RawUpstream(
        (head, socket, up) -> {
          OutputStream out = socket.getOutputStream();
          if (!head.contains(path)) {
            out.write("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            return;
          }
          out.write(
              "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                  .getBytes(StandardCharsets.ISO_8859_1));
          events.write(out);
        });
  }

  private static void await(CountDownLatch latch) throws IOException {
    try {
      if (!latch.await(2, TimeUnit.MINUTES)) {
        throw new IOException("never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
