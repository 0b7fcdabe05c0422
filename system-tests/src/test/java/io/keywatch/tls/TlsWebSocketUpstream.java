package io.keywatch.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLServerSocket;

/**
 * A WebSocket upstream over TLS on loopback presenting a given certificate: it accepts every
 * handshake with a {@code 101} that answers the client's key (RFC 6455 section 4.2.2), then closes.
 */
final class TlsWebSocketUpstream implements AutoCloseable {

  private static final Pattern KEY = Pattern.compile("(?im)^Sec-WebSocket-Key:\\s*(\\S+)\\s*$");

  private final SSLServerSocket server;
  private final Thread acceptor;

  TlsWebSocketUpstream(TestCa.Issued certificate) {
    try {
      server =
          (SSLServerSocket)
              certificate
                  .serverContext()
                  .getServerSocketFactory()
                  .createServerSocket(0, 16, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    acceptor = new Thread(this::serve, "tls-websocket-upstream");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  private void serve() {
    while (!server.isClosed()) {
      try (Socket s = server.accept()) {
        String head = head(s.getInputStream());
        Matcher key = KEY.matcher(head);
        if (key.find()) {
          s.getOutputStream()
              .write(
                  ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          + "Sec-WebSocket-Accept: "
                          + accept(key.group(1))
                          + "\r\n\r\n")
                      .getBytes(StandardCharsets.ISO_8859_1));
          s.getOutputStream().flush();
          s.getInputStream().read(); // until the gateway closes the tunnel
        }
      } catch (IOException failedHandshakeOrClosed) {
        // the gateway refused our certificate, or the test is over
      }
    }
  }

  static String head(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    while (!b.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      b.append((char) c);
    }
    return b.toString();
  }

  private static String accept(String key) {
    try {
      byte[] sha1 =
          MessageDigest.getInstance("SHA-1")
              .digest(
                  (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                      .getBytes(StandardCharsets.ISO_8859_1));
      return Base64.getEncoder().encodeToString(sha1);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
