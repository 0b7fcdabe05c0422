package io.keywatch.proxy.forward;

import static io.keywatch.proxy.forward.GrizzlyRequest.method;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The longest a request body may stay silent (nginx's {@code client_body_timeout}). A blocking
 * servlet read on Payara waits in Grizzly's {@code TemporarySelectorReader} for as long as the
 * client connection's read timeout, which every connection takes from its transport ({@code
 * read-timeout-millis}, 30 s); the Servlet API has no say in it, so this sets it on the Grizzly
 * connection under the request ({@link GrizzlyRequest}): {@code getConnection().setReadTimeout(ms,
 * MILLISECONDS)}. A read that waits longer fails with an IOException caused by a {@link
 * TimeoutException}. Only HTTP/1: an HTTP/2 stream's body is not read from the connection by the
 * request's thread.
 */
final class BodyTimeout {

  private static final Logger LOG = Logger.getLogger(BodyTimeout.class.getName());
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  /** The reflective way from the Grizzly request to its connection's read timeout, found once. */
  private record Way(Method connection, Method setReadTimeout) {}

  private static volatile Way way;

  private BodyTimeout() {}

  /** Bounds each wait for more of this request's body by {@code timeout}. */
  static void apply(HttpServletRequest req, Duration timeout) {
    if (!req.getProtocol().startsWith("HTTP/1")) {
      return;
    }
    try {
      Object coyote = GrizzlyRequest.of(req);
      Way w = way;
      if (w == null) {
        way =
            w =
                new Way(
                    method(coyote, "org.glassfish.grizzly.http.server.Request", "getConnection"),
                    method(
                        coyote,
                        "org.glassfish.grizzly.Connection",
                        "setReadTimeout",
                        long.class,
                        TimeUnit.class));
      }
      w.setReadTimeout()
          .invoke(w.connection().invoke(coyote), timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ReflectiveOperationException | RuntimeException e) {
      if (WARNED.compareAndSet(false, true)) {
        LOG.log(
            Level.WARNING,
            "cannot set the request body timeout on this container: the transport's read timeout holds",
            e);
      }
    }
  }

  /** Whether a failure reading the body is this timeout running out. */
  static boolean ranOut(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException) {
        return true;
      }
    }
    return false;
  }
}
