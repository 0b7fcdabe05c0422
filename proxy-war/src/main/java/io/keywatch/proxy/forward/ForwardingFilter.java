package io.keywatch.proxy.forward;

import io.keywatch.proxy.ProxySettings;
import io.keywatch.proxy.forward.ResponseHead.InvalidResponseException;
import io.keywatch.proxy.forward.ResponseHead.NoResponseException;
import io.keywatch.proxy.matcher.Target;
import io.keywatch.proxy.table.RouteTable;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The proxy's hot path: every request is matched against the route table and forwarded to the
 * route's upstream over a pooled keep-alive HTTP/1.1 connection, bodies streamed both ways through
 * one buffer, never held whole.
 *
 * <pre>
 * local path (/health, /metrics, ...) ─ served by this server, never forwarded
 *   │
 * match ─ none: 404 "no route"
 *   │
 * check path and framing ─ a . or .. segment: 400; a transfer coding other than chunked: 501
 *   │
 * send head + body upstream ─ refused/reset: 502, no answer in time: 504 (a reused connection that
 *   │                         turns out closed is retried once on a new one, if there is no body)
 * read response head ─ malformed or oversized: 502
 *   │
 * copy status, headers, body to the client ─ upstream fails after the client got the status:
 *                                            the client's connection is cut, never ended cleanly
 * </pre>
 *
 * Request smuggling is stopped in two layers: the container (Grizzly) refuses two different
 * Content-Length headers (400) and, when Transfer-Encoding comes with Content-Length, drops the
 * length and decodes the chunks, so the proxy cannot tell such a request from a plain chunked one;
 * the proxy therefore closes every client connection that sent a chunked body once it has answered
 * (RFC 9112 section 6.3), so bytes hidden after the body are never read as a request, and sends
 * upstream exactly the body it read, re-chunked, never the client's framing.
 *
 * <p>Hop-by-hop headers (RFC 9110 section 7.6.1: Connection and the headers it names, Keep-Alive,
 * Proxy-*, TE, Trailer, Transfer-Encoding, Upgrade) are dropped in both directions; the proxy
 * frames each side itself. X-Forwarded-For is appended to; X-Forwarded-Proto and -Host are set.
 */
@WebFilter(urlPatterns = "/*")
public class ForwardingFilter extends HttpFilter {

  private static final Logger LOG = Logger.getLogger(ForwardingFilter.class.getName());

  private static final Set<String> HOP_BY_HOP =
      Set.of("connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade");
  /** Request headers the proxy writes itself. */
  private static final Set<String> SET_BY_PROXY =
      Set.of("host", "content-length", "expect", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host");

  @Inject RouteTable table;
  @Inject ProxySettings settings;

  private UpstreamPool pool;
  private ThreadLocal<byte[]> buffers;

  @Override
  public void init() {
    pool = new UpstreamPool(settings.maxIdle(), settings.idleTimeout(), settings.connectTimeout(), settings.bufferSize());
    buffers = ThreadLocal.withInitial(() -> new byte[settings.bufferSize()]);
  }

  @Override
  public void destroy() {
    pool.close();
  }

  @Override
  protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    String path = req.getRequestURI().substring(req.getContextPath().length());
    if (settings.isLocal(path)) {
      chain.doFilter(req, res);
      return;
    }
    Target target = table.index().match(req.getMethod(), req.getServerName(), path);
    if (target == null) {
      reply(res, HttpServletResponse.SC_NOT_FOUND, "no route");
      return;
    }
    if (hasDotSegment(path)) {
      reply(res, HttpServletResponse.SC_BAD_REQUEST, "path with . or .. segments");
      return;
    }
    String te = req.getHeader("Transfer-Encoding");
    if (te != null) {
      // it may have come with a Content-Length the container dropped: what follows on this
      // connection cannot be trusted (RFC 9112 section 6.3 says close it)
      res.setHeader("Connection", "close");
      if (!te.strip().equalsIgnoreCase("chunked")) {
        reply(res, HttpServletResponse.SC_NOT_IMPLEMENTED, "transfer coding not supported: " + te);
        return;
      }
    }
    forward(req, res, target, path);
  }

  private void forward(HttpServletRequest req, HttpServletResponse res, Target target, String path) throws IOException {
    long timeout = target.route().timeout().orElse(settings.timeout()).toMillis();
    boolean hasBody = req.getContentLengthLong() > 0 || req.getHeader("Transfer-Encoding") != null;
    byte[] buffer = buffers.get();
    UpstreamConnection up = null;
    ResponseHead head;
    try {
      up = pool.acquire(target.address());
      try {
        head = exchange(up, req, target, path, timeout, buffer);
      } catch (NoResponseException | SocketException e) {
        if (!up.reused() || hasBody) {
          throw e;
        }
        // the upstream closed this idle connection just before we used it: nothing was processed
        up.close();
        up = pool.connect(target.address());
        head = exchange(up, req, target, path, timeout, buffer);
      }
    } catch (ClientGoneException e) {
      close(up);
      return;
    } catch (IOException e) {
      close(up);
      upstreamFailed(res, target, e);
      return;
    }
    copyResponse(req, res, target, up, head, buffer);
  }

  /** Sends the request (head, then body) and reads the response head, skipping 1xx heads. */
  private ResponseHead exchange(
      UpstreamConnection up, HttpServletRequest req, Target target, String path, long timeout, byte[] buffer)
      throws IOException {
    up.timeout(timeout);
    up.out.write(requestHead(req, target, path));
    copyRequestBody(req, up.out, buffer);
    up.out.flush();
    ResponseHead head;
    do {
      head = ResponseHead.read(up.in, settings.maxResponseHeaderBytes());
    } while (head.status() / 100 == 1);
    return head;
  }

  private byte[] requestHead(HttpServletRequest req, Target target, String path) {
    StringBuilder h = new StringBuilder(512);
    h.append(req.getMethod()).append(' ').append(target.basePath()).append(path);
    String query = req.getQueryString();
    if (query != null) {
      h.append('?').append(query);
    }
    h.append(" HTTP/1.1\r\nHost: ").append(target.hostHeader()).append("\r\n");
    Set<String> named = connectionTokens(req.getHeaders("Connection"));
    for (Enumeration<String> names = req.getHeaderNames(); names.hasMoreElements(); ) {
      String name = names.nextElement();
      String lower = name.toLowerCase(Locale.ROOT);
      if (hopByHop(lower, named) || SET_BY_PROXY.contains(lower)) {
        continue;
      }
      for (Enumeration<String> values = req.getHeaders(name); values.hasMoreElements(); ) {
        h.append(name).append(": ").append(values.nextElement()).append("\r\n");
      }
    }
    List<String> forwardedFor = Collections.list(req.getHeaders("X-Forwarded-For"));
    forwardedFor.add(req.getRemoteAddr());
    h.append("X-Forwarded-For: ").append(String.join(", ", forwardedFor)).append("\r\n");
    h.append("X-Forwarded-Proto: ").append(req.getScheme()).append("\r\n");
    String host = req.getHeader("Host");
    if (host != null) {
      h.append("X-Forwarded-Host: ").append(host).append("\r\n");
    }
    if (req.getHeader("Transfer-Encoding") != null) {
      h.append("Transfer-Encoding: chunked\r\n");
    } else if (req.getContentLengthLong() >= 0) {
      h.append("Content-Length: ").append(req.getContentLengthLong()).append("\r\n");
    }
    return h.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Streams the client's body upstream: as it came if it had a length, else re-chunked. */
  private static void copyRequestBody(HttpServletRequest req, OutputStream upstream, byte[] buffer) throws IOException {
    boolean chunked = req.getHeader("Transfer-Encoding") != null;
    if (!chunked && req.getContentLengthLong() <= 0) {
      return;
    }
    InputStream in = req.getInputStream();
    OutputStream out = chunked ? new ChunkedOutputStream(upstream) : upstream;
    for (int n = readClient(in, buffer); n >= 0; n = readClient(in, buffer)) {
      out.write(buffer, 0, n);
    }
    if (chunked) {
      ((ChunkedOutputStream) out).finish();
    }
  }

  private void copyResponse(
      HttpServletRequest req, HttpServletResponse res, Target target, UpstreamConnection up, ResponseHead head, byte[] buffer)
      throws IOException {
    boolean reusable = head.version() == 1 && !head.tokens("connection").contains("close");
    InputStream body;
    long length;
    try {
      List<String> lengths = head.tokens("content-length");
      List<String> codings = head.tokens("transfer-encoding");
      length = lengths.isEmpty() ? -1 : contentLength(lengths);
      if ("HEAD".equals(req.getMethod()) || head.status() == 204 || head.status() == 304) {
        body = InputStream.nullInputStream();
      } else if (!codings.isEmpty()) {
        // a length beside a transfer coding is ignored, and the connection not trusted again (RFC 9112 6.3)
        reusable &= lengths.isEmpty() && codings.get(codings.size() - 1).equals("chunked");
        body = codings.get(codings.size() - 1).equals("chunked") ? new ChunkedInputStream(up.in) : up.in;
        length = -1;
      } else if (length >= 0) {
        body = new LengthInputStream(up.in, length);
      } else {
        reusable = false;
        body = up.in;
      }
    } catch (InvalidResponseException e) {
      close(up);
      upstreamFailed(res, target, e);
      return;
    }

    res.setStatus(head.status());
    Set<String> named = connectionTokens(Collections.enumeration(head.tokens("connection")));
    Set<String> seen = new HashSet<>();
    for (ResponseHead.Header h : head.headers()) {
      String lower = h.name().toLowerCase(Locale.ROOT);
      if (hopByHop(lower, named) || lower.equals("content-length")) {
        continue;
      }
      if (seen.add(lower)) {
        res.setHeader(h.name(), h.value()); // replaces the container's own, e.g. Server
      } else {
        res.addHeader(h.name(), h.value());
      }
    }
    if (length >= 0) {
      res.setContentLengthLong(length);
    }

    ServletOutputStream out = res.getOutputStream();
    try {
      for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
        try {
          out.write(buffer, 0, n);
          if (body.available() == 0) {
            out.flush(); // the upstream paused: pass on what it sent (streams, server-sent events)
          }
        } catch (IOException clientGone) {
          close(up);
          return;
        }
      }
    } catch (IOException e) {
      close(up);
      if (res.isCommitted()) {
        LOG.warning(() -> "UPSTREAM " + target.key() + " failed in the middle of the response, cutting the client off: " + e);
        if (!ClientConnection.cut(res)) {
          throw new UpstreamFailedException(e);
        }
        return;
      }
      res.reset();
      upstreamFailed(res, target, e);
      return;
    }
    if (reusable) {
      pool.release(up);
    } else {
      up.close();
    }
  }

  private static void upstreamFailed(HttpServletResponse res, Target target, IOException e) throws IOException {
    int status = e instanceof SocketTimeoutException ? HttpServletResponse.SC_GATEWAY_TIMEOUT : HttpServletResponse.SC_BAD_GATEWAY;
    LOG.info(() -> "UPSTREAM " + target.key() + " " + target.hostHeader() + " answered " + status + ": " + e);
    if (e instanceof SocketTimeoutException) {
      reply(res, status, "upstream timed out");
    } else if (e instanceof InvalidResponseException) {
      reply(res, status, "upstream sent an invalid response");
    } else {
      reply(res, status, "upstream unreachable: it refused or reset the connection");
    }
  }

  private static void reply(HttpServletResponse res, int status, String text) throws IOException {
    byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
    res.setStatus(status);
    res.setContentType("text/plain;charset=UTF-8");
    res.setContentLength(body.length);
    res.getOutputStream().write(body);
  }

  /**
   * Whether the raw path has a {@code .} or {@code ..} segment, plain or percent-encoded. Such a path
   * would be matched as written ({@code /public/../admin} by {@code /public/*}) but resolved
   * elsewhere by the upstream, so it is refused rather than guessed at.
   */
  static boolean hasDotSegment(String path) {
    String p = path.toLowerCase(Locale.ROOT).replace("%2e", ".");
    return p.contains("/./") || p.contains("/../") || p.endsWith("/.") || p.endsWith("/..");
  }

  private static long contentLength(List<String> values) throws InvalidResponseException {
    long length = -1;
    for (String v : values) {
      long n;
      try {
        n = Long.parseLong(v);
      } catch (NumberFormatException e) {
        throw new InvalidResponseException("bad Content-Length: " + v);
      }
      if (n < 0 || (length >= 0 && n != length)) {
        throw new InvalidResponseException("bad Content-Length: " + values);
      }
      length = n;
    }
    return length;
  }

  private static Set<String> connectionTokens(Enumeration<String> values) {
    Set<String> tokens = new HashSet<>();
    while (values.hasMoreElements()) {
      for (String t : values.nextElement().split(",")) {
        tokens.add(t.strip().toLowerCase(Locale.ROOT));
      }
    }
    return tokens;
  }

  private static boolean hopByHop(String lowerName, Set<String> named) {
    return HOP_BY_HOP.contains(lowerName) || lowerName.startsWith("proxy-") || named.contains(lowerName);
  }

  private static int readClient(InputStream in, byte[] buffer) throws ClientGoneException {
    try {
      return in.read(buffer);
    } catch (IOException e) {
      throw new ClientGoneException(e);
    }
  }

  private static void close(UpstreamConnection up) {
    if (up != null) {
      up.close();
    }
  }

  /** The client stopped sending its body: there is nobody to answer. */
  private static final class ClientGoneException extends IOException {
    ClientGoneException(IOException cause) {
      super(cause);
    }
  }

  /** Thrown to the container so that it cuts a response that can no longer end correctly. */
  private static final class UpstreamFailedException extends IOException {
    UpstreamFailedException(IOException cause) {
      super("upstream failed in the middle of the response", cause);
    }
  }
}
