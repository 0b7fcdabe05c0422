package io.keywatch.proxy.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseHeadTest {

  static InputStream in(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void readsStatusAndHeadersAndLeavesTheBody() throws IOException {
    InputStream in = in("HTTP/1.1 201 Created\r\nA: 1\r\nConnection: keep-alive, X-Hop\r\nA:  2 \r\n\r\nbody");
    ResponseHead head = ResponseHead.read(in, 1000);
    assertThat(head.status()).isEqualTo(201);
    assertThat(head.version()).isEqualTo(1);
    assertThat(head.headers()).containsExactly(
        new ResponseHead.Header("A", "1"), new ResponseHead.Header("Connection", "keep-alive, X-Hop"), new ResponseHead.Header("A", "2"));
    assertThat(head.tokens("connection")).containsExactly("keep-alive", "x-hop");
    assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("body");
  }

  @Test
  void acceptsAStatusLineWithoutReason() throws IOException {
    assertThat(ResponseHead.read(in("HTTP/1.0 204\n\n"), 100).status()).isEqualTo(204);
  }

  @Test
  void refusesWhatIsAmbiguous() {
    assertThatThrownBy(() -> ResponseHead.read(in("HTTP/1.1 200 OK\r\n folded: x\r\n\r\n"), 1000))
        .isInstanceOf(ResponseHead.InvalidResponseException.class);
    assertThatThrownBy(() -> ResponseHead.read(in("HTTP/1.1 200 OK\r\nBad : x\r\n\r\n"), 1000))
        .isInstanceOf(ResponseHead.InvalidResponseException.class);
    assertThatThrownBy(() -> ResponseHead.read(in("HTTP/2 200 OK\r\n\r\n"), 1000))
        .isInstanceOf(ResponseHead.InvalidResponseException.class);
    assertThatThrownBy(() -> ResponseHead.read(in("HTTP/1.1 200 OK\r\nBig: " + "x".repeat(200) + "\r\n\r\n"), 100))
        .isInstanceOf(ResponseHead.InvalidResponseException.class);
  }

  @Test
  void tellsNoResponseFromAHalfResponse() {
    assertThatThrownBy(() -> ResponseHead.read(in(""), 100)).isInstanceOf(ResponseHead.NoResponseException.class);
    assertThatThrownBy(() -> ResponseHead.read(in("HTTP/1.1 200 OK\r\nA: 1"), 100))
        .isInstanceOf(EOFException.class)
        .isNotInstanceOf(ResponseHead.NoResponseException.class);
  }
}
