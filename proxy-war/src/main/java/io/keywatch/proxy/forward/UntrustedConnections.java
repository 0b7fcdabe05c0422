package io.keywatch.proxy.forward;

import static io.keywatch.proxy.forward.GrizzlyRequest.method;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Client connections on which no further request may be served: those whose framing cannot be
 * trusted (a transfer coding, which the container decodes even where a Content-Length disagreed;
 * HTTP/1.0 with Transfer-Encoding; a malformed request). Answering such a request with {@code
 * Connection: close} is not enough on Payara: Grizzly closes the connection once the answer is out,
 * but first parses the bytes it had already read after that request and dispatches them as the next
 * request, which would be forwarded (a request hidden after a chunked body reached the upstream
 * so). So the connection itself is marked, and a request that arrives on a marked one is never
 * forwarded: its connection is cut.
 *
 * <p>The mark is an attribute of the Grizzly connection, which goes away with it; the Servlet API
 * has no per-connection state, so this reaches under Payara's request ({@link GrizzlyRequest}):
 * {@code getConnection().getAttributes()}.
 */
final class UntrustedConnections {

  private static final Logger LOG = Logger.getLogger(UntrustedConnections.class.getName());
  private static final String MARK = UntrustedConnections.class.getName();
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  /** The reflective way from the Grizzly request to the connection's attributes, found once. */
  private record Way(
      Method connection, Method attributes, Method getAttribute, Method setAttribute) {}

  private static volatile Way way;

  private UntrustedConnections() {}

  /**
   * Ends the connection after this request's answer ({@code Connection: close}) and marks it. Only
   * HTTP/1: an HTTP/2 stream is framed on its own, nothing hides behind it, and a Connection header
   * is malformed there (RFC 9113 section 8.2.2).
   */
  static void closeAfter(HttpServletRequest req, HttpServletResponse res) {
    if (req.getProtocol().startsWith("HTTP/1")) {
      res.setHeader("Connection", "close");
      distrust(req);
    }
  }

  /** Marks the connection of this request: no later request on it will be forwarded. */
  private static void distrust(ServletRequest req) {
    Object attributes = attributes(req);
    if (attributes != null) {
      try {
        way.setAttribute().invoke(attributes, MARK, Boolean.TRUE);
      } catch (ReflectiveOperationException | RuntimeException e) {
        warn(e);
      }
    }
  }

  /** Whether an earlier request on this request's connection marked it. */
  static boolean isDistrusted(ServletRequest req) {
    Object attributes = attributes(req);
    if (attributes == null) {
      return false;
    }
    try {
      return way.getAttribute().invoke(attributes, MARK) != null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      warn(e);
      return false;
    }
  }

  private static Object attributes(ServletRequest req) {
    try {
      Object coyote = GrizzlyRequest.of(req);
      Way w = way;
      if (w == null) {
        way = w = find(coyote);
      }
      return w.attributes().invoke(w.connection().invoke(coyote));
    } catch (ReflectiveOperationException | RuntimeException e) {
      warn(e);
      return null;
    }
  }

  private static Way find(Object coyote) throws ReflectiveOperationException {
    return new Way(
        method(coyote, "org.glassfish.grizzly.http.server.Request", "getConnection"),
        method(coyote, "org.glassfish.grizzly.attributes.AttributeStorage", "getAttributes"),
        method(
            coyote,
            "org.glassfish.grizzly.attributes.AttributeHolder",
            "getAttribute",
            String.class),
        method(
            coyote,
            "org.glassfish.grizzly.attributes.AttributeHolder",
            "setAttribute",
            String.class,
            Object.class));
  }

  private static void warn(Exception e) {
    if (WARNED.compareAndSet(false, true)) {
      LOG.log(
          Level.WARNING,
          "cannot mark client connections on this container: a request hidden after one"
              + " that closes its connection may be forwarded",
          e);
    }
  }
}
