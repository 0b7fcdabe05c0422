package io.keywatch.proxy.forward;

import io.keywatch.proxy.ProxySettings;
import io.keywatch.proxy.balance.NodeState;
import io.keywatch.proxy.balance.Pool;
import io.keywatch.proxy.matcher.Target;
import io.keywatch.proxy.table.RouteSnapshot;
import io.keywatch.proxy.table.RouteTable;
import io.keywatch.proxy.traffic.Traffic;
import io.keywatch.routes.Upstream;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The proxy's hot path: every request is matched against the route table and, if a route serves it,
 * handed to an {@link Exchange} with the route's upstream; the container's thread is free again as
 * soon as the request is on its way.
 *
 * <p>Every path is a route's: health, metrics and OpenAPI are on the status port (see {@link
 * DataPortServlet}).
 *
 * <pre>
 * connection marked untrusted ─ an earlier request on it closes it: cut, nothing forwarded
 *   │
 * check syntax ─ method, target, header names and values, Host (RequestSyntax; a Host the
 *   │            container would fail on is caught before it, HostHeaderGuard): 400; a target
 *   │            longer than allowed: 414; headers larger: 431
 * check framing ─ HTTP/1.0 with Transfer-Encoding: 400; a transfer coding other than chunked: 501
 *   │
 * match ─ none: 404 "no route"; a route whose upstream_id names no stored upstream: 503
 *   │
 * rewrite ─ only for a route with proxy-rewrite: a path it turns into an invalid target: 500
 *   │
 * forward asynchronously to a node of the upstream ─ see Exchange and Attempts
 * </pre>
 *
 * Request smuggling is stopped in layers: the container (Grizzly) refuses two different
 * Content-Length headers (400) and, when Transfer-Encoding comes with Content-Length, drops the
 * length and decodes the chunks, so the proxy cannot tell such a request from a plain chunked one;
 * the proxy therefore answers every request with a transfer coding, and every request it refuses as
 * malformed, with {@code Connection: close} (RFC 9112 section 6.3) and marks its connection ({@link
 * UntrustedConnections}), so bytes hidden after it are never forwarded as a request; and it sends
 * upstream exactly the body it read, re-chunked, never the client's framing.
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true)
public class ForwardingFilter extends HttpFilter {

  private static final Logger LOG = Logger.getLogger(ForwardingFilter.class.getName());

  @Inject RouteTable table;
  @Inject ProxySettings settings;
  @Inject UpstreamClient client;
  @Inject Traffic traffic;

  private final Clock clock = Clock.systemUTC();

  @Override
  protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    long start = System.nanoTime();
    HostHeaderGuard.guard(req);
    if (UntrustedConnections.isDistrusted(req)) {
      ClientConnection.cut(res);
      return;
    }
    if (!refusedAsMalformed(req, res, start) && !refusedForFraming(req, res, start)) {
      route(req, res, start);
    }
  }

  private void route(HttpServletRequest req, HttpServletResponse res, long start)
      throws IOException, ServletException {
    String path = req.getRequestURI().substring(req.getContextPath().length());
    RouteSnapshot routes = table.snapshot(); // one table: the route and its upstream agree
    Target target = routes.index().match(req.getMethod(), hostName(req), path);
    if (target == null) {
      answer(req, res, null, HttpServletResponse.SC_NOT_FOUND, "no route", start);
      return;
    }
    Pool pool = routes.pool(target);
    if (pool == null) {
      answer(
          req,
          res,
          target,
          HttpServletResponse.SC_SERVICE_UNAVAILABLE,
          "no upstream: upstream_id not found",
          start);
      return;
    }
    String upstreamPath = path;
    if (target.pathRewrite() != null) {
      upstreamPath = target.upstreamPath(path);
      // the route's template and the client's path made it: checked like a client's own
      String problem = RequestSyntax.targetProblem(upstreamPath, null);
      if (problem != null) {
        LOG.log(
            Level.WARNING,
            "REWRITE {0}: {1} became {2}, not forwarded: {3}",
            new Object[] {target.key(), path, upstreamPath, problem});
        answer(
            req,
            res,
            target,
            HttpServletResponse.SC_INTERNAL_SERVER_ERROR,
            "the route rewrote the path to an invalid request target",
            start);
        return;
      }
    }
    Duration timeout = target.route().timeout().orElseGet(() -> timeout(pool.upstream()));
    Attempts attempts =
        new Attempts(pool, req, path, clock, settings.passiveOutFor(), target.hostRewrite());
    if (target.route().websocket() && WebSocketUpgrade.requested(req)) {
      NodeState node = attempts.next();
      if (node == null) {
        reply(res, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "no upstream node to send to");
        return;
      }
      WebSocketUpgrade.pass(
          req,
          res,
          target,
          node.address(),
          attempts.verifyTls(target.route()),
          attempts.hostHeader(node, req),
          upstreamPath,
          client,
          settings.connectTimeout(),
          timeout,
          settings.maxResponseHeaderBytes(),
          settings.bufferSize());
      return;
    }
    new Exchange(req, res, target, attempts, settings.bufferSize(), traffic, start)
        .send(client, upstreamPath, timeout, settings.bodyTimeout());
  }

  /**
   * How long the upstream may stay silent: the larger of its {@code send} and {@code read} timeouts
   * (the client has one idle timeout for both ways), else the proxy's.
   */
  private Duration timeout(Upstream upstream) {
    Upstream.Timeouts t = upstream.timeout();
    if (t.send().isEmpty() && t.read().isEmpty()) {
      return settings.timeout();
    }
    Duration send = t.send().orElse(Duration.ZERO);
    Duration read = t.read().orElse(Duration.ZERO);
    return send.compareTo(read) > 0 ? send : read;
  }

  /** Answers and returns true when a part of the request breaks its grammar or a size limit. */
  private boolean refusedAsMalformed(HttpServletRequest req, HttpServletResponse res, long start)
      throws IOException {
    if (!RequestSyntax.isToken(req.getMethod())) {
      return refuse(start, req, res, HttpServletResponse.SC_BAD_REQUEST, "method is not a token");
    }
    String uri = req.getRequestURI();
    String query = req.getQueryString();
    if (uri.length() + (query == null ? 0 : query.length() + 1) > settings.maxUriBytes()) {
      return refuse(
          start,
          req,
          res,
          HttpServletResponse.SC_REQUEST_URI_TOO_LONG,
          "request target longer than " + settings.maxUriBytes() + " bytes");
    }
    String targetProblem = RequestSyntax.targetProblem(uri, query);
    if (targetProblem != null) {
      return refuse(start, req, res, HttpServletResponse.SC_BAD_REQUEST, targetProblem);
    }
    if (req.isRequestedSessionIdFromURL()) {
      // the container has cut ";jsessionid=..." out of the path before any filter runs, in place:
      // the path as sent is gone, and another one must not be forwarded in its place
      return refuse(
          start,
          req,
          res,
          HttpServletResponse.SC_BAD_REQUEST,
          "a ;jsessionid= path parameter cannot be forwarded");
    }
    if (HostHeaderGuard.malformed(req)) {
      return refuse(
          start, req, res, HttpServletResponse.SC_BAD_REQUEST, "malformed or repeated Host header");
    }
    int hosts = 0;
    long headerBytes = 0;
    for (Enumeration<String> names = req.getHeaderNames(); names.hasMoreElements(); ) {
      String name = names.nextElement();
      if (!RequestSyntax.isToken(name)) {
        return refuse(
            start, req, res, HttpServletResponse.SC_BAD_REQUEST, "header name is not a token");
      }
      boolean host = name.equalsIgnoreCase("Host");
      for (Enumeration<String> values = req.getHeaders(name); values.hasMoreElements(); ) {
        String value = values.nextElement();
        if (!RequestSyntax.isFieldValue(value)) {
          return refuse(
              start,
              req,
              res,
              HttpServletResponse.SC_BAD_REQUEST,
              "header value with a control character");
        }
        if (host && (++hosts > 1 || !RequestSyntax.isHost(value))) {
          return refuse(
              start,
              req,
              res,
              HttpServletResponse.SC_BAD_REQUEST,
              "malformed or repeated Host header");
        }
        headerBytes += name.length() + value.length() + 4; // ": " and CRLF
      }
    }
    if (headerBytes > settings.maxHeaderBytes()) {
      return refuse(
          start,
          req,
          res,
          431,
          "request headers larger than " + settings.maxHeaderBytes() + " bytes");
    }
    if (hosts == 0 && "HTTP/1.1".equals(req.getProtocol())) {
      return refuse(
          start, req, res, HttpServletResponse.SC_BAD_REQUEST, "malformed or repeated Host header");
    }
    return false;
  }

  /**
   * Answers and returns true when the body's framing is not one the proxy forwards; marks the
   * connection of every request with a transfer coding, forwarded or not (see the class comment).
   */
  private boolean refusedForFraming(HttpServletRequest req, HttpServletResponse res, long start)
      throws IOException {
    if (req.getHeader("Transfer-Encoding") == null) {
      return false;
    }
    Enumeration<String> codings = req.getHeaders("Transfer-Encoding");
    if ("HTTP/1.0".equals(req.getProtocol())) {
      // RFC 9112 section 6.1: a 1.0 recipient could not have framed it as the container did
      return refuse(
          start,
          req,
          res,
          HttpServletResponse.SC_BAD_REQUEST,
          "Transfer-Encoding in an HTTP/1.0 request");
    }
    String te = codings.nextElement();
    // several headers are one list (RFC 9110 section 5.3): chunked, then identity is as unknown as
    // "chunked, identity" in one header
    if (codings.hasMoreElements() || !te.strip().equalsIgnoreCase("chunked")) {
      return refuse(
          start,
          req,
          res,
          HttpServletResponse.SC_NOT_IMPLEMENTED,
          "transfer coding not supported: "
              + String.join(", ", Collections.list(req.getHeaders("Transfer-Encoding"))));
    }
    UntrustedConnections.closeAfter(req, res);
    return false;
  }

  /** Answers with the status and closes the connection: what follows the request is not trusted. */
  private boolean refuse(
      long start, HttpServletRequest req, HttpServletResponse res, int status, String text)
      throws IOException {
    UntrustedConnections.closeAfter(req, res);
    answer(req, res, null, status, text, start);
    return true;
  }

  /**
   * Answers by itself, and tells {@link Traffic}; {@code target} is null before a route took it.
   */
  private void answer(
      HttpServletRequest req,
      HttpServletResponse res,
      Target target,
      int status,
      String text,
      long start)
      throws IOException {
    int bytes = reply(res, status, text);
    traffic.answered(req, target, null, status, 0, bytes, start, -1);
  }

  /**
   * The Host the route matcher compares: without port, and without the trailing dot of an absolute
   * name.
   */
  private static String hostName(HttpServletRequest req) {
    String host = req.getServerName();
    return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
  }

  /** Answers with a plain text body; its length. */
  static int reply(HttpServletResponse res, int status, String text) throws IOException {
    byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
    res.setStatus(status);
    res.setContentType("text/plain;charset=UTF-8");
    res.setContentLength(body.length);
    res.getOutputStream().write(body);
    return body.length;
  }
}
