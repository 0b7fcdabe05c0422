package io.keywatch.proxy;

import static io.keywatch.proxy.ForwardingIT.routeTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.testing.Keywatch;
import io.keywatch.testing.KeywatchTest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Interim (1xx) responses from an upstream: none reaches the client (the container cannot send an
 * interim response, see Exchange), the final answer does, and the route's timeout still bounds the
 * wait for it, after an interim response too.
 */
@KeywatchTest
class InterimResponsesIT {

  private static final String FINAL = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "HTTP/1.1 100 Continue\r\n\r\n",
        "HTTP/1.1 102 Processing\r\n\r\n",
        "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload; as=style\r\n\r\n",
        "HTTP/1.1 104 Upload Resumption Supported\r\n\r\n"
      })
  void anInterimResponseIsDroppedAndTheFinalAnswerPassesOn(String interim, Keywatch kw)
      throws IOException {
    try (RawUpstream up =
        answering(
            "/final",
            (head, socket, u) -> {
              write(socket.getOutputStream(), interim);
              write(socket.getOutputStream(), FINAL);
            })) {
      String base = routeTo(kw, up.url(), "");
      RawClient.Answer answer = RawClient.exchange(kw.proxyUri(), get(base + "/final"));

      assertThat(answer.text())
          .startsWith("HTTP/1.1 200 ")
          .doesNotContain("HTTP/1.1 1")
          .doesNotContainIgnoringCase("Link:");
      assertThat(answer.body()).isEqualTo("done");
    }
  }

  @Test
  void severalInterimResponsesInARowAreDropped(Keywatch kw) throws IOException {
    try (RawUpstream up =
        answering(
            "/final",
            (head, socket, u) -> {
              write(socket.getOutputStream(), "HTTP/1.1 100 Continue\r\n\r\n");
              write(
                  socket.getOutputStream(),
                  "HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.js>\r\n\r\n");
              write(socket.getOutputStream(), FINAL);
            })) {
      String base = routeTo(kw, up.url(), "");
      for (int i = 0; i < 3; i++) { // on the same upstream connection each time
        RawClient.Answer answer = RawClient.exchange(kw.proxyUri(), get(base + "/final"));
        assertThat(answer.responses()).isEqualTo(1);
        assertThat(answer.body()).isEqualTo("done");
      }
    }
  }

  @Test
  void anUpstreamThatClosesAfterAnInterimResponseIs502(Keywatch kw) throws IOException {
    try (RawUpstream up =
        answering(
            "/closes",
            (head, socket, u) -> {
              write(socket.getOutputStream(), "HTTP/1.1 103 Early Hints\r\nLink: </a.js>\r\n\r\n");
              socket.close();
            })) {
      String base = routeTo(kw, up.url(), "");
      RawClient.Answer answer = RawClient.exchange(kw.proxyUri(), get(base + "/closes"));

      assertThat(answer.status()).isEqualTo(502);
      assertThat(answer.body()).startsWith("upstream ");
    }
  }

  @Test
  void anUpstreamSilentAfterAnInterimResponseIs504AfterTheRoutesTimeout(Keywatch kw)
      throws IOException {
    try (RawUpstream up =
        answering(
            "/silent",
            (head, socket, u) -> {
              write(socket.getOutputStream(), "HTTP/1.1 102 Processing\r\n\r\n");
              RawUpstream.silent().answer(head, socket, u);
            })) {
      String base = routeTo(kw, up.url(), ", \"timeout\": 0.5");
      long start = System.nanoTime();
      RawClient.Answer answer = RawClient.exchange(kw.proxyUri(), get(base + "/silent"));

      assertThat(answer.status()).isEqualTo(504);
      assertThat(answer.body()).isEqualTo("upstream timed out\n");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
  }

  /**
   * Interim responses are not an answer: an upstream that sends nothing else times out as a silent
   * one does.
   */
  @Test
  void anUpstreamThatSendsOnlyInterimResponsesIs504AfterTheRoutesTimeout(Keywatch kw)
      throws IOException {
    try (RawUpstream up =
        answering(
            "/stalls",
            (head, socket, u) -> {
              try {
                for (int i = 0;
                    i < 300;
                    i++) { // every 100 ms, well within the timeout, until the proxy gives up
                  write(socket.getOutputStream(), "HTTP/1.1 102 Processing\r\n\r\n");
                  Thread.sleep(100);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            })) {
      String base = routeTo(kw, up.url(), ", \"timeout\": 0.5");
      long start = System.nanoTime();
      RawClient.Answer answer = RawClient.exchange(kw.proxyUri(), get(base + "/stalls"));

      assertThat(answer.status()).isEqualTo(504);
      assertThat(answer.body()).isEqualTo("upstream timed out\n");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
  }

  /**
   * A 101 is no interim response: the upstream would switch protocols the proxy never asked for.
   */
  @Test
  void anUnaskedForSwitchingProtocolsIs502(Keywatch kw) throws IOException {
    try (RawUpstream up =
        answering(
            "/switch",
            (head, socket, u) ->
                write(
                    socket.getOutputStream(),
                    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\nsmuggled"))) {
      String base = routeTo(kw, up.url(), "");
      RawClient.Answer answer = RawClient.exchange(kw.proxyUri(), get(base + "/switch"));

      assertThat(answer.status()).isEqualTo(502);
      assertThat(answer.body()).isEqualTo("upstream sent an invalid response\n");
    }
  }

  /**
   * An upstream that answers requests whose path has {@code marker} by the script, and the probe of
   * routeTo with 204.
   */
  static RawUpstream answering(String marker, RawUpstream.Script script) {
    return new RawUpstream(
        (head, socket, up) -> {
          if (head.contains(marker)) {
            script.answer(head, socket, up);
          } else {
            write(socket.getOutputStream(), "HTTP/1.1 204 No Content\r\n\r\n");
          }
        });
  }

  static String get(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  }

  static void write(OutputStream out, String bytes) throws IOException {
    out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }
}
