package io.keywatch.proxy.forward;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.client.transport.HttpExchange;
import org.eclipse.jetty.client.transport.SendFailure;
import org.eclipse.jetty.client.transport.internal.HttpChannelOverHTTP;
import org.eclipse.jetty.client.transport.internal.HttpConnectionOverHTTP;
import org.eclipse.jetty.client.transport.internal.HttpReceiverOverHTTP;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;

/**
 * Jetty's HTTP/1.1 transport, with no patience for an upstream that sends more than it was asked
 * for. A connection is out of step with its requests once it sends bytes after the end of a final
 * response (a second answer to one request, as an upstream that was handed a split request gives),
 * or while it sits idle. Jetty (12.1) drops bytes found after a response and keeps the connection;
 * it hands a connection back to the pool before it reads what came just after the exchange, so a
 * request taken in between gets those bytes as its answer (another client's request, in a gateway);
 * and bytes that come while a connection is idle it takes for an unsolicited response, closing the
 * connection, only if no request took the connection before its selector got to them. Here such a
 * connection is closed instead of used:
 *
 * <ol>
 *   <li>bytes left after a final response mark the connection shut down: closed as the exchange
 *       ends;
 *   <li>it goes back to the pool only once the read after the exchange found nothing;
 *   <li>a connection in the pool is taken either by a request or by its selector's news that bytes
 *       (or the upstream's close) came, never by both: if the selector came first, it is closed and
 *       the request sent on another connection; a request that comes first makes one non-blocking
 *       read before it is sent, and anything there, or the upstream's close, has the same end.
 * </ol>
 *
 * Costs per request: that read (no bytes: EAGAIN), a compare-and-set, two atomic increments, and a
 * look at what is left in the buffer after the response. This reaches into Jetty's internal
 * transport classes: check it on every Jetty upgrade (UpstreamConnectionReuseIT does).
 */
final class StrictHttpTransport extends HttpClientTransportOverHTTP {

  @Override
  public Connection newConnection(EndPoint endPoint, Map<String, Object> context) {
    return new StrictConnection(endPoint, context);
  }

  /**
   * Looks for bytes that came while it sat idle before it takes a request, and goes back to the
   * pool only once what came with the end of an exchange has been read. (Jetty hands a connection
   * back first and reads after: a request taken in between was given what that read found as its
   * answer, where with no request on the connection Jetty sees an unsolicited response and closes
   * it.)
   */
  private static final class StrictConnection extends HttpConnectionOverHTTP {

    private final ByteBuffer probe = BufferUtil.allocate(1);

    /**
     * A final response has succeeded: the next fill interest means all that came with it was read.
     */
    private volatile boolean draining;

    /**
     * Of the two things the hand-back waits for, the exchange being over and that read: how many
     * happened.
     */
    private final AtomicInteger handBack = new AtomicInteger();

    /**
     * In the pool, with no request on it: the next request and the selector's next wake-up race for
     * it.
     */
    private final AtomicBoolean idle = new AtomicBoolean(true);

    StrictConnection(EndPoint endPoint, Map<String, Object> context) {
      super(endPoint, context);
    }

    @Override
    protected HttpChannelOverHTTP newHttpChannel() {
      return new HttpChannelOverHTTP(this) {
        @Override
        protected HttpReceiverOverHTTP newHttpReceiver() {
          return new StrictReceiver(this);
        }

        @Override
        public void release() {
          if (handBack.incrementAndGet() == 2) {
            super.release();
          }
        }
      };
    }

    /** Back to the pool: idle from here on. */
    @Override
    public void release() {
      idle.set(true);
      super.release();
    }

    /**
     * The selector found something on an idle connection: bytes or the upstream's close, and it is
     * closed before a request can take it (Jetty would take the bytes for an unsolicited response
     * and close it too, but by then a request may have taken it, and fail with it); or nothing an
     * application sees (TLS's own records), and it goes back to waiting.
     */
    @Override
    public void onFillable() {
      if (!idle.compareAndSet(true, false)) {
        super.onFillable();
      } else if (outOfStep()) {
        close(new IOException("upstream sent bytes or closed while idle"));
      } else {
        idle.set(true);
        fillInterested();
      }
    }

    /** Called once the receiver has read and parsed all there was and waits for more. */
    @Override
    public void fillInterested() {
      super.fillInterested();
      if (draining) {
        draining = false;
        if (handBack.incrementAndGet() == 2) {
          release(); // the exchange ended first and left the hand-back to this
        }
      }
    }

    /**
     * Takes the connection from its selector, then one non-blocking read before the request goes
     * out: if the selector had it first, or anything is there (bytes, or the upstream's close), the
     * connection is closed and the request sent on another.
     */
    @Override
    public SendFailure send(HttpExchange exchange) {
      if (!idle.compareAndSet(true, false) || outOfStep()) {
        IOException stale = new IOException("upstream sent bytes or closed while idle");
        close(stale);
        return new SendFailure(stale, true);
      }
      handBack.set(0);
      draining = false;
      return super.send(exchange);
    }

    /** One non-blocking read: whether bytes or the upstream's close are waiting. */
    private boolean outOfStep() {
      try {
        return getEndPoint().fill(probe) != 0;
      } catch (IOException e) {
        return true;
      }
    }
  }

  /**
   * Marks its connection shut down, so it is closed and not reused, once a final response has more
   * behind it.
   */
  private static final class StrictReceiver extends HttpReceiverOverHTTP {

    /** A final response has ended, and a new one has not begun. */
    private boolean ended;

    /** Bytes came after the end of a final response. */
    private boolean surplus;

    StrictReceiver(HttpChannelOverHTTP channel) {
      super(channel);
    }

    @Override
    public boolean messageComplete() {
      HttpExchange exchange = getHttpExchange();
      boolean complete = super.messageComplete();
      if (complete
          && exchange != null
          && !HttpStatus.isInformational(exchange.getResponse().getStatus())) {
        ended = true;
        noteSurplus();
      }
      return complete;
    }

    @Override
    public void startResponse(HttpVersion version, int status, String reason) {
      ended = false;
      super.startResponse(version, status, reason);
    }

    /** Called when a response has succeeded, before its exchange ends. */
    @Override
    protected void reset() {
      if (ended) {
        ((StrictConnection) getHttpChannel().getHttpConnection()).draining = true;
      }
      ended =
          false; // from here on, bytes are Jetty's to judge: no exchange, an unsolicited response
      super.reset();
    }

    /** Asked after each parse and when the exchange ends: whether the connection must close. */
    @Override
    protected boolean isShutdown() {
      if (ended) {
        noteSurplus(); // bytes read after the end, before the exchange is over
      }
      boolean shutdown = surplus || super.isShutdown();
      StrictConnection connection = (StrictConnection) getHttpChannel().getHttpConnection();
      if (shutdown && connection.draining) {
        connection.close(); // the upstream closed as the exchange ended: no fill interest will come
      }
      return shutdown;
    }

    private void noteSurplus() {
      ByteBuffer rest = getResponseBuffer();
      if (rest == null) {
        return;
      }
      for (int i = rest.position(); i < rest.limit() && !surplus; i++) {
        byte b = rest.get(i);
        // a stray line end after a response is tolerated, as Jetty's parser does
        surplus = b != '\r' && b != '\n';
      }
    }
  }
}
