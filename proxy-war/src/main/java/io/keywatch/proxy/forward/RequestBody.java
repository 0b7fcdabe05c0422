package io.keywatch.proxy.forward;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * The client's request body, passed to the upstream as it arrives without holding a thread: the
 * container says when bytes can be read, and the next buffer is read only once the upstream
 * connection has taken the last one, so a slow upstream slows the client down instead of filling
 * the heap. Jetty's {@link IteratingCallback} keeps a write that completes at once from recursing.
 */
final class RequestBody extends IteratingCallback implements ReadListener {

  /** What the request body's end or failure means to the exchange. */
  interface Outcome {
    void clientFailed(Throwable failure);
  }

  private final ServletInputStream in;
  private final AsyncRequestContent content;
  private final int bufferSize;
  private final Outcome outcome;

  RequestBody(ServletInputStream in, AsyncRequestContent content, int bufferSize, Outcome outcome) {
    this.in = in;
    this.content = content;
    this.bufferSize = bufferSize;
    this.outcome = outcome;
  }

  @Override
  protected Action process() {
    // a fresh buffer each time: the content may hold the last one until it is written
    byte[] buffer = new byte[bufferSize];
    int n;
    try {
      if (!in.isReady()) {
        return Action.IDLE; // the container calls onDataAvailable when there is more
      }
      n = in.read(buffer);
    } catch (IOException e) {
      outcome.clientFailed(e);
      return Action.SUCCEEDED;
    }
    if (n < 0) {
      return Action.IDLE; // onAllDataRead follows
    }
    // a write the upstream fails ends the iteration; Jetty reports that failure to the exchange
    content.write(ByteBuffer.wrap(buffer, 0, n), this);
    return Action.SCHEDULED;
  }

  @Override
  public void onDataAvailable() {
    iterate();
  }

  @Override
  public void onAllDataRead() {
    content.close();
  }

  @Override
  public void onError(Throwable failure) {
    outcome.clientFailed(failure);
  }
}
