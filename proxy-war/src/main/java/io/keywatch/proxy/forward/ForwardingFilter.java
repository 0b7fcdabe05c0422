package io.keywatch.proxy.forward;

import io.keywatch.proxy.ProxySettings;
import io.keywatch.proxy.matcher.Target;
import io.keywatch.proxy.table.RouteTable;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * The proxy's hot path: every request is matched against the route table and, if a route serves
 * it, handed to an {@link Exchange} with the route's upstream; the container's thread is free again
 * as soon as the request is on its way.
 *
 * Every path is a route's: health, metrics and OpenAPI are on the status port (see {@link DataPortServlet}).
 *
 * <pre>
 * match ─ none: 404 "no route"
 *   │
 * check path and framing ─ a . or .. segment: 400; a transfer coding other than chunked: 501
 *   │
 * forward asynchronously ─ see Exchange
 * </pre>
 *
 * Request smuggling is stopped in two layers: the container (Grizzly) refuses two different
 * Content-Length headers (400) and, when Transfer-Encoding comes with Content-Length, drops the
 * length and decodes the chunks, so the proxy cannot tell such a request from a plain chunked one;
 * the proxy therefore closes every client connection that sent a chunked body once it has answered
 * (RFC 9112 section 6.3), so bytes hidden after the body are never read as a request, and sends
 * upstream exactly the body it read, re-chunked, never the client's framing.
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true)
public class ForwardingFilter extends HttpFilter {

  @Inject RouteTable table;
  @Inject ProxySettings settings;
  @Inject UpstreamClient client;

  @Override
  protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    String path = req.getRequestURI().substring(req.getContextPath().length());
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
    Duration timeout = target.route().timeout().orElse(settings.timeout());
    new Exchange(req, res, target, settings.bufferSize()).send(client, path, timeout);
  }

  static void reply(HttpServletResponse res, int status, String text) throws IOException {
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
}
