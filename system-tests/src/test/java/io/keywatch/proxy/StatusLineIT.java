package io.keywatch.proxy;

import static io.keywatch.proxy.ForwardingIT.routeTo;
import static io.keywatch.proxy.InterimResponsesIT.answering;
import static io.keywatch.proxy.InterimResponsesIT.get;
import static io.keywatch.proxy.InterimResponsesIT.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.testing.Keywatch;
import io.keywatch.testing.KeywatchTest;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The status line the client reads, byte for byte, for the codes the container has no name for. */
@KeywatchTest
class StatusLineIT {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "226 | IM Used",
        "418 | I'm a teapot",
        "422 | Unprocessable Content",
        "425 | Too Early",
        "426 | Upgrade Required",
        "429 | Too Many Requests",
        "451 | Unavailable For Legal Reasons",
        "507 | Insufficient Storage",
        "511 | Network Authentication Required"
      })
  void aRegisteredStatusGetsItsStandardReasonPhrase(int code, String reason, Keywatch kw)
      throws IOException {
    try (RawUpstream up =
        answering(
            "/status",
            (head, socket, u) ->
                write(
                    socket.getOutputStream(),
                    "HTTP/1.1 " + code + " Whatever\r\nContent-Length: 2\r\n\r\nok"))) {
      String base = routeTo(kw, up.url(), "");
      RawClient.Answer answer = RawClient.exchange(kw.proxyUri(), get(base + "/status"));

      assertThat(answer.text()).startsWith("HTTP/1.1 " + code + " " + reason + "\r\n");
      assertThat(answer.body()).isEqualTo("ok");
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"299 | Fine By Me", "599 | Network Read Timeout"})
  void anUnregisteredStatusKeepsTheUpstreamsReasonPhrase(int code, String reason, Keywatch kw)
      throws IOException {
    try (RawUpstream up =
        answering(
            "/status",
            (head, socket, u) ->
                write(
                    socket.getOutputStream(),
                    "HTTP/1.1 " + code + " " + reason + "\r\nContent-Length: 2\r\n\r\nok"))) {
      String base = routeTo(kw, up.url(), "");
      RawClient.Answer answer = RawClient.exchange(kw.proxyUri(), get(base + "/status"));

      assertThat(answer.text()).startsWith("HTTP/1.1 " + code + " " + reason + "\r\n");
    }
  }
}
