package io.keywatch.proxy.forward;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.ProcessingProtocolHandler;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpStatus;

/**
 * Interim responses (1xx but 101) from an upstream are dropped; the exchange goes on waiting for
 * the final answer. Without a handler for them Jetty's client takes an interim response for the end
 * of the response and then ignores everything after it, the final answer, the upstream closing and
 * the idle timeout alike: the client waited forever.
 *
 * <p>None is passed on: Servlet 6.0 has no way to send one ({@code sendEarlyHints} comes with
 * Servlet 6.1), 100 and 102 only ever answer the hop that asked for them (the proxy sends no {@code
 * Expect}), and a 103's hints are optional by definition (RFC 8297): the client loses a head start,
 * never the answer.
 *
 * <p>Interim responses are not an answer: the final one must follow within the route's timeout of
 * the first, or the request fails as a silent upstream's does (504), however often they come.
 */
final class InterimResponses extends ProcessingProtocolHandler {

  /** The request attribute that holds when the first interim response came (System.nanoTime). */
  private static final String FIRST = InterimResponses.class.getName() + ".first";

  @Override
  public String getName() {
    return "interim";
  }

  @Override
  public boolean accept(Request request, Response response) {
    return HttpStatus.isInterim(response.getStatus());
  }

  /** Called once the interim response is dropped and the exchange waits for the next one. */
  @Override
  protected void onProcessing(Request request, HttpFields headers) {
    long now = System.nanoTime();
    Object first = request.getAttributes().get(FIRST);
    if (first == null) {
      request.attribute(FIRST, now);
    } else if (now - (Long) first > TimeUnit.MILLISECONDS.toNanos(request.getIdleTimeout())) {
      request.abort(
          new TimeoutException("only interim responses for " + request.getIdleTimeout() + " ms"));
    }
  }
}
