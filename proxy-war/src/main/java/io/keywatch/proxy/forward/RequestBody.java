package io.keywatch.proxy.forward;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.util.Callback;

/**
 * The client's request body, passed to the upstream as it arrives, one buffer at a time, each
 * handed on only once the upstream connection has taken the last: a slow upstream slows the client
 * down instead of filling the heap.
 *
 * <p>The body is read with the servlet API's blocking reads on the container's request thread,
 * which is held while the body flows (bounded by the route's timeout for each buffer). The
 * non-blocking way ({@code ReadListener}) holds no thread, but with it Grizzly now and then runs a
 * connection's filter chain on two threads at once during a chunked upload, even when every read is
 * made in its own callback: its stored remainder gets mixed up ({@code ClassCastException} in
 * {@code DefaultFilterChain}) and the client's connection is dropped (6 of 75 chunked 100 MiB
 * uploads from the JDK's HttpClient; none of 75 with blocking reads).
 */
final class RequestBody {

  private final InputStream in;
  private final AsyncRequestContent content;
  private final byte[] buffer;
  private final Duration timeout;

  RequestBody(InputStream in, AsyncRequestContent content, int bufferSize, Duration timeout) {
    this.in = in;
    this.content = content;
    this.buffer = new byte[bufferSize];
    this.timeout = timeout;
  }

  /**
   * Copies the body upstream until it ends or the upstream fails (which the upstream client reports
   * to the exchange); a failure reading from the client is thrown.
   */
  void pass() throws IOException {
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      if (n > 0 && !handOn(n)) {
        return;
      }
    }
    content.close();
  }

  /** Writes n bytes upstream and waits until they are taken; false when the upstream failed. */
  private boolean handOn(int n) throws IOException {
    Callback.Completable taken = new Callback.Completable();
    content.write(ByteBuffer.wrap(buffer, 0, n), taken);
    try {
      taken.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (ExecutionException upstreamFailed) {
      return false;
    } catch (TimeoutException e) {
      content.fail(new TimeoutException("upstream took no request body for " + timeout));
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while passing the request body on", e);
    }
  }
}
