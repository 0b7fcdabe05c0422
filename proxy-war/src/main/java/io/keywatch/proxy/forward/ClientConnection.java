package io.keywatch.proxy.forward;

import jakarta.servlet.ServletResponse;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Cuts or closes a client's connection. When an upstream fails after the client got the status
 * line, the only honest signal left in HTTP/1.1 is to close the connection without ending the body:
 * a clean end (the last chunk, or the container closing the response) would pass a truncated body
 * off as whole. The Servlet API has no call for this, and on Payara neither an exception nor
 * completing the response does it (the connection stays open, or the last chunk is written), so
 * this reaches the Grizzly connection under Payara's response facade ({@link GrizzlyResponse}):
 * {@code getRequest().getConnection().terminateSilently()}.
 */
final class ClientConnection {

  private static final Logger LOG = Logger.getLogger(ClientConnection.class.getName());

  private ClientConnection() {}

  /** Cuts the connection under {@code res}; false if this container does not allow it. */
  static boolean cut(ServletResponse res) {
    return call(res, "terminateSilently");
  }

  /**
   * Closes the connection under {@code res} once what was written to it is out: after an answer to
   * a request whose body did not end, which Grizzly would otherwise wait for before closing.
   */
  static boolean close(ServletResponse res) {
    return call(res, "closeSilently");
  }

  private static boolean call(ServletResponse res, String method) {
    try {
      Object grizzly = GrizzlyResponse.of(res);
      Object request = grizzly.getClass().getMethod("getRequest").invoke(grizzly);
      Object connection = request.getClass().getMethod("getConnection").invoke(request);
      connection.getClass().getMethod(method).invoke(connection);
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.log(Level.WARNING, "cannot cut the client connection on this container", e);
      return false;
    }
  }
}
