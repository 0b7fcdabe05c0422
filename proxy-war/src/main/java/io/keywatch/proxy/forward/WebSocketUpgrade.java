package io.keywatch.proxy.forward;

import io.keywatch.proxy.matcher.Target;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;

/**
 * A WebSocket upgrade (RFC 6455) on a route with {@code enable_websocket}: the handshake is passed
 * to the upstream on a socket of its own (Jetty's client pools connections for request and answer,
 * a tunnel would never go back), and only an upstream 101 that accepts the client's key (its {@code
 * Sec-WebSocket-Accept}) switches the client's connection over to a {@link Tunnel}; a 101 that does
 * not is 502. Any other answer (401, 426, ...) is passed on and the socket closed.
 */
final class WebSocketUpgrade {

  private static final Logger LOG = Logger.getLogger(WebSocketUpgrade.class.getName());
  private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  /** Request headers written here, besides the forwarding ones and hop-by-hop ones. */

  /** Response headers of a 101 that the client needs from the upstream. */
  private static final Set<String> NEGOTIATED =
      Set.of("sec-websocket-protocol", "sec-websocket-extensions");

  private WebSocketUpgrade() {}

  /** Whether the request asks for a WebSocket (HTTP/1.1 GET with Upgrade: websocket and a key). */
  static boolean requested(HttpServletRequest req) {
    return "HTTP/1.1".equals(req.getProtocol())
        && "GET".equals(req.getMethod())
        && "websocket".equalsIgnoreCase(req.getHeader("Upgrade"))
        && req.getHeader("Sec-WebSocket-Key") != null
        && connectionNamesUpgrade(req);
  }

  private static boolean connectionNamesUpgrade(HttpServletRequest req) {
    for (Enumeration<String> values = req.getHeaders("Connection"); values.hasMoreElements(); ) {
      for (String token : values.nextElement().split(",")) {
        if (token.strip().equalsIgnoreCase("upgrade")) {
          return true;
        }
      }
    }
    return false;
  }

  static void pass(
      HttpServletRequest req,
      HttpServletResponse res,
      Target target,
      Target.Address address,
      boolean verifyTls,
      String hostHeader,
      String path,
      UpstreamClient client,
      Duration connectTimeout,
      Duration timeout,
      int maxHeadBytes,
      int bufferSize)
      throws IOException, ServletException {
    Socket upstream;
    InputStream in;
    Head head;
    try {
      upstream = connect(address, verifyTls, client, connectTimeout);
    } catch (IOException e) {
      LOG.info(() -> "UPSTREAM " + target.key() + " refused a WebSocket: " + e);
      ForwardingFilter.reply(res, HttpServletResponse.SC_BAD_GATEWAY, "upstream unreachable");
      return;
    }
    try {
      upstream.setSoTimeout((int) timeout.toMillis());
      String query = req.getQueryString();
      upstream
          .getOutputStream()
          .write(
              requestHead(
                  req,
                  hostHeader,
                  target.basePath() + path + (query == null ? "" : "?" + query),
                  client.forwardedHeaders()));
      upstream.getOutputStream().flush();
      in = new BufferedInputStream(upstream.getInputStream(), bufferSize);
      head = Head.read(in, maxHeadBytes);
    } catch (IOException e) {
      upstream.close();
      LOG.info(() -> "UPSTREAM " + target.key() + " failed the WebSocket handshake: " + e);
      boolean late = e instanceof SocketTimeoutException;
      ForwardingFilter.reply(
          res,
          late ? HttpServletResponse.SC_GATEWAY_TIMEOUT : HttpServletResponse.SC_BAD_GATEWAY,
          late
              ? "upstream timed out"
              : UpstreamTlsFailure.describe(e).orElse("upstream failed the WebSocket handshake"));
      return;
    }
    if (head.status() != HttpServletResponse.SC_SWITCHING_PROTOCOLS) {
      try (upstream) {
        passRefusal(head, in, res, maxHeadBytes);
      }
      return;
    }
    String expected = accept(req.getHeader("Sec-WebSocket-Key"));
    if (!"websocket".equalsIgnoreCase(head.header("upgrade"))
        || !expected.equals(head.header("sec-websocket-accept"))) {
      upstream.close();
      LOG.info(
          () ->
              "UPSTREAM "
                  + target.key()
                  + " answered 101 without accepting the client's WebSocket key");
      ForwardingFilter.reply(
          res,
          HttpServletResponse.SC_BAD_GATEWAY,
          "upstream's 101 does not accept the WebSocket key");
      return;
    }
    upstream.setSoTimeout(0); // a WebSocket may stay quiet as long as its ends like
    res.setStatus(HttpServletResponse.SC_SWITCHING_PROTOCOLS);
    res.setHeader("Upgrade", "websocket");
    res.setHeader("Connection", "Upgrade");
    res.setHeader("Sec-WebSocket-Accept", expected);
    head.headers()
        .forEach(
            (name, value) -> {
              if (NEGOTIATED.contains(name)) {
                res.setHeader(name, value);
              }
            });
    req.upgrade(Tunnel.class).attach(upstream, in, bufferSize);
    res.flushBuffer(); // Payara holds an upgraded response back until it is flushed
  }

  /** The value a server must answer to a key (RFC 6455 section 4.2.2). */
  static String accept(String key) {
    try {
      byte[] sha1 =
          MessageDigest.getInstance("SHA-1")
              .digest((key.strip() + ACCEPT_GUID).getBytes(StandardCharsets.ISO_8859_1));
      return Base64.getEncoder().encodeToString(sha1);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-1", e);
    }
  }

  private static Socket connect(
      Target.Address address, boolean verifyTls, UpstreamClient client, Duration connectTimeout)
      throws IOException {
    Socket plain = new Socket();
    try {
      plain.connect(
          new InetSocketAddress(address.host(), address.port()), (int) connectTimeout.toMillis());
      plain.setTcpNoDelay(true);
      return address.tls() ? client.overTls(plain, address, verifyTls) : plain;
    } catch (IOException e) {
      plain.close();
      throw e;
    }
  }

  /**
   * The client's end-to-end headers (the Sec-WebSocket-* ones among them) and the forwarding ones.
   */
  private static byte[] requestHead(
      HttpServletRequest req, String hostHeader, String pathAndQuery, ForwardedHeaders forwarded) {
    HttpFields.Mutable h = HttpFields.build();
    EndToEndHeaders.copy(req, h);
    forwarded.write(req, h);
    StringBuilder b =
        new StringBuilder("GET ")
            .append(pathAndQuery)
            .append(" HTTP/1.1\r\nHost: ")
            .append(hostHeader)
            .append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n");
    for (HttpField f : h) {
      b.append(f.getName()).append(": ").append(f.getValue()).append("\r\n");
    }
    return b.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** An upstream that did not switch: its status, content type and Content-Length body go back. */
  private static void passRefusal(
      Head head, InputStream in, HttpServletResponse res, int maxBodyBytes) throws IOException {
    res.setStatus(head.status());
    String type = head.header("content-type");
    if (type != null) {
      res.setContentType(type);
    }
    String length = head.header("content-length");
    long n = length == null ? 0 : Long.parseLong(length.strip());
    if (n < 0 || n > maxBodyBytes) {
      throw new IOException("upstream's refusal has a body of " + n + " bytes");
    }
    byte[] body = in.readNBytes((int) n);
    res.setContentLength(body.length);
    res.getOutputStream().write(body);
  }

  /** An upstream's response head: status and headers (lower-case names, the last of each kept). */
  private record Head(int status, Map<String, String> headers) {

    String header(String lowerName) {
      return headers.get(lowerName);
    }

    /** Reads up to the blank line, byte by byte, so that the first frames stay in the stream. */
    static Head read(InputStream in, int maxBytes) throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      int last4 = 0;
      while (last4 != 0x0d0a0d0a) {
        int c = in.read();
        if (c < 0) {
          throw new IOException("upstream closed before the end of its response head");
        }
        if (bytes.size() == maxBytes) {
          throw new IOException("upstream's response head is longer than " + maxBytes + " bytes");
        }
        bytes.write(c);
        last4 = (last4 << 8) | c;
      }
      String[] lines = bytes.toString(StandardCharsets.ISO_8859_1).split("\r\n");
      if (!lines[0].matches("HTTP/1\\.1 \\d{3}( .*)?")) {
        throw new IOException("upstream sent no HTTP/1.1 status line");
      }
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon <= 0) {
          throw new IOException("upstream sent a malformed header line");
        }
        headers.put(
            lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).strip());
      }
      return new Head(Integer.parseInt(lines[0].substring(9, 12)), headers);
    }
  }
}
