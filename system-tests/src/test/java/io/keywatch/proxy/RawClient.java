package io.keywatch.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Sends exactly the bytes a test writes, for what the JDK client refuses to send (hop-by-hop
 * headers, conflicting framing), and reads everything until the proxy closes the connection.
 */
final class RawClient {

  private RawClient() {}

  /** What came back, and whether the connection ended with a reset rather than a clean close. */
  record Answer(String text, boolean reset) {
    int status() {
      return Integer.parseInt(text.substring(9, 12));
    }

    String head() {
      int end = text.indexOf("\r\n\r\n");
      return end < 0 ? text : text.substring(0, end);
    }

    String body() {
      int end = text.indexOf("\r\n\r\n");
      return end < 0 ? "" : text.substring(end + 4);
    }

    /** How many responses the text holds (counted by status lines). */
    int responses() {
      return text.split("HTTP/1\\.1 \\d{3}", -1).length - 1;
    }
  }

  static Answer exchange(URI proxy, String request) throws IOException {
    try (Socket s = new Socket(proxy.getHost(), proxy.getPort())) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      try {
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          got.write(buffer, 0, n);
        }
      } catch (SocketException e) {
        return new Answer(got.toString(StandardCharsets.ISO_8859_1), true);
      }
      return new Answer(got.toString(StandardCharsets.ISO_8859_1), false);
    }
  }
}
