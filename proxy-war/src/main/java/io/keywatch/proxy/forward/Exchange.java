package io.keywatch.proxy.forward;

import io.keywatch.proxy.balance.NodeState;
import io.keywatch.proxy.matcher.Target;
import io.keywatch.proxy.traffic.Traffic;
import io.keywatch.proxy.traffic.UpstreamError;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.client.HttpResponseException;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;

/**
 * One client request forwarded to its upstream and the answer passed back, with no thread held
 * while either side is silent: the container's thread leaves once the request is handed to the
 * upstream client; the request body flows as the client sends it and the upstream takes it ({@link
 * RequestBody}), the response body as the upstream sends it and the client's connection takes it.
 *
 * <pre>
 * choose a node ───── none (no node of positive weight): 503
 *   │
 * send head (+ body) ─ refused/reset: 502, silent longer than the route's timeout: 504,
 *   │                  more requests waiting for one upstream than allowed: 503,
 *   │                  TLS handshake failed: 502 naming the certificate problem; each after
 *   │                  trying other nodes first if the request may be retried (retriable)
 * response head ───── malformed or oversized: 502; else status and end-to-end headers copied
 *   │
 * response body ───── read only when the client's connection can take more (onWritePossible);
 *                     the upstream failing after the client got the status: the client's
 *                     connection is cut, never ended cleanly
 * </pre>
 *
 * The response side runs on whichever thread the upstream client or the container calls back on,
 * one at a time: every step that touches the servlet response holds this exchange's lock, and each
 * waits for exactly one call back (more bytes from the upstream, or room towards the client).
 */
final class Exchange implements WriteListener, AsyncListener, RequestBody.Outcome {

  private static final Logger LOG = Logger.getLogger(Exchange.class.getName());

  /** RFC 9110 section 9.2.2: a request that may be sent twice. */
  private static final Set<String> IDEMPOTENT =
      Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

  private final HttpServletRequest req;
  private final HttpServletResponse res;
  private final Target target;
  private final Attempts attempts;
  private final int bufferSize;
  private final Traffic traffic;
  private final long startNanos;
  private final AsyncContext async;
  private final AtomicBoolean finished = new AtomicBoolean();
  private volatile boolean clientGone;
  private volatile Request upstream;

  /** The node of the current try. */
  private volatile NodeState node;

  /** Whether the current try's request head went out. */
  private volatile boolean committed;

  /** Whether a response head came back: from then on, the answer is this node's. */
  private volatile boolean headSeen;

  private UpstreamClient client;
  private String pathAndQuery;
  private Duration timeout;
  private boolean hasBody;

  /** The client's request body; null for a request without one. */
  private RequestBody requestBody;

  /** The upstream's response body, once its head has arrived. */
  private Content.Source body;

  private ServletOutputStream out;

  /** Bytes read before the client's connection could take them, and whether they end the body. */
  private byte[] pending;

  private boolean pendingLast;

  /** What {@link Traffic} is told at the end: the status sent (0: none yet) and body bytes. */
  private volatile int status;

  private long bytesSent; // guarded by this

  /** When the first try left, and how long until a response head came (negative: none did). */
  private long upstreamStart;

  private volatile long upstreamNanos = -1;

  /**
   * @param startNanos when the gateway got the request ({@link System#nanoTime()})
   */
  Exchange(
      HttpServletRequest req,
      HttpServletResponse res,
      Target target,
      Attempts attempts,
      int bufferSize,
      Traffic traffic,
      long startNanos) {
    this.req = req;
    this.res = res;
    this.target = target;
    this.attempts = attempts;
    this.bufferSize = bufferSize;
    this.traffic = traffic;
    this.startNanos = startNanos;
    this.async = req.startAsync(req, res);
  }

  /** Hands the request to the upstream client; returns at once, its body follows as it comes. */
  void send(UpstreamClient client, String path, Duration timeout, Duration bodyTimeout)
      throws IOException {
    async.setTimeout(0); // the route's timeout bounds each wait, not the whole exchange
    async.addListener(this);
    String query = req.getQueryString();
    this.client = client;
    this.pathAndQuery = target.basePath() + path + (query == null ? "" : "?" + query);
    this.timeout = timeout;
    this.hasBody = req.getContentLengthLong() > 0 || chunked();
    NodeState first = attempts.next();
    if (first == null) {
      status = HttpServletResponse.SC_SERVICE_UNAVAILABLE;
      bytesSent = ForwardingFilter.reply(res, status, "no upstream node to send to");
      finish();
      return;
    }
    AsyncRequestContent content = null;
    if (hasBody) {
      content = new AsyncRequestContent((String) null);
      requestBody =
          new RequestBody(
              req.getInputStream(),
              content,
              bufferSize,
              this,
              client.scheduler(),
              // a 408 closes the connection, which over HTTP/2 would end every stream on it
              req.getProtocol().startsWith("HTTP/1") ? bodyTimeout : null);
    }
    upstreamStart = System.nanoTime();
    attempt(first, content);
    if (requestBody != null) {
      requestBody.start();
    }
  }

  /**
   * Sends the request to {@code to}; with the upstream's {@code timeout.connect}, a request that
   * has not begun on a connection by then fails as a connect timeout.
   */
  private void attempt(NodeState to, AsyncRequestContent content) {
    node = to;
    committed = false;
    ForwardedHeaders forwarded = client.forwardedHeaders();
    String host = attempts.hostHeader(to, req);
    Request r =
        client
            .newRequest(
                to.address(),
                attempts.verifyTls(target.route()),
                req.getMethod(),
                pathAndQuery,
                timeout)
            .headers(h -> requestHead(h, forwarded, host));
    if (content != null) {
      r.body(content);
    }
    AtomicBoolean begun = new AtomicBoolean();
    attempts
        .upstream()
        .timeout()
        .connect()
        .ifPresent(
            connect ->
                client
                    .scheduler()
                    .schedule(
                        () -> {
                          if (!begun.get()) {
                            r.abort(new SocketTimeoutException("connect timeout " + connect));
                          }
                        },
                        connect.toMillis(),
                        TimeUnit.MILLISECONDS));
    upstream = r;
    to.started();
    // method references, not this: Jetty hands the body to every listener that can take one
    r.onRequestBegin(x -> begun.set(true))
        .onRequestCommit(x -> committed = true)
        .onResponseHeaders(this::responseHead)
        .onResponseContentSource(this::responseBody)
        .send(this::completed);
    if (clientGone) {
      r.abort(new IOException("the client left"));
    }
  }

  /**
   * The client's headers minus hop-by-hop ones; Host as the upstream's {@code pass_host} says; the
   * forwarding headers as {@link ForwardedHeaders} says; the body framed by its length, or
   * re-chunked by the upstream client when the client sent chunks, never with the client's own
   * framing.
   */
  private void requestHead(HttpFields.Mutable h, ForwardedHeaders forwarded, String host) {
    h.put(HttpHeader.HOST, host);
    EndToEndHeaders.copy(req, h);
    forwarded.write(req, h);
    if (!chunked() && req.getContentLengthLong() >= 0) {
      h.put(HttpHeader.CONTENT_LENGTH, Long.toString(req.getContentLengthLong()));
    }
  }

  private boolean chunked() {
    return req.getHeader("Transfer-Encoding") != null;
  }

  private synchronized void responseHead(Response response) {
    headSeen = true;
    upstreamNanos = System.nanoTime() - upstreamStart;
    status = response.getStatus();
    attempts.answered(node, response.getStatus());
    if (finished.get()) {
      return; // the client left: the container may have recycled the response already
    }
    if (response.getStatus() == HttpStatus.SWITCHING_PROTOCOLS_101) {
      // the proxy asks for no upgrade (Upgrade is hop-by-hop): such an answer is not HTTP any more
      upstream.abort(
          new HttpResponseException(
              "101 Switching Protocols without an upgrade asked for", response));
      return;
    }
    StatusLine.set(res, response.getStatus(), response.getReason());
    HttpFields fields = response.getHeaders();
    HopByHop hop =
        HopByHop.of(Collections.enumeration(fields.getValuesList(HttpHeader.CONNECTION)));
    Set<String> seen = new HashSet<>();
    for (HttpField f : fields) {
      String lower = f.getLowerCaseName();
      if (hop.drops(lower) || lower.equals("content-length")) {
        continue;
      }
      if (seen.add(lower)) {
        res.setHeader(f.getName(), f.getValue()); // replaces the container's own, e.g. Server
      } else {
        res.addHeader(f.getName(), f.getValue());
      }
    }
    if (!fields.contains(HttpHeader.TRANSFER_ENCODING)) {
      long length = fields.getLongField(HttpHeader.CONTENT_LENGTH);
      if (length >= 0) {
        res.setContentLengthLong(length);
      }
    }
  }

  private synchronized void responseBody(Response response, Content.Source source) {
    if (finished.get()) {
      return; // as in responseHead; the upstream request is aborted
    }
    body = source;
    // a body that has arrived whole and fits the container's buffer is written at once, without
    // waiting for the client's connection (the common small answer); anything else is streamed
    ByteArrayOutputStream early = new ByteArrayOutputStream();
    boolean last = false;
    for (Content.Chunk chunk = source.read();
        chunk != null && !Content.Chunk.isFailure(chunk);
        chunk = source.read()) {
      last = copy(chunk, early);
      if (last || early.size() > res.getBufferSize()) {
        break;
      }
    }
    try {
      if (last && early.size() <= res.getBufferSize()) {
        // the container allocates its whole output buffer for every answer (17 % of the bytes a
        // loaded gateway allocated, by JFR); this one needs no more than the body
        res.setBufferSize(early.size());
        out = res.getOutputStream();
        early.writeTo(out);
        bytesSent += early.size();
        finish();
        return;
      }
      out = res.getOutputStream();
      pending = early.toByteArray();
      pendingLast = last;
      out.setWriteListener(
          this); // the container calls onWritePossible when the client can take bytes
    } catch (IOException | IllegalStateException e) {
      clientFailed(e);
    }
  }

  /** Copies what the upstream sent while the client's connection takes it, then waits for more. */
  @Override
  public synchronized void onWritePossible() {
    if (finished.get()) {
      return; // the upstream's demand callback, after the client left (as in responseHead)
    }
    try {
      while (out.isReady()) {
        if (pending != null) {
          out.write(pending);
          bytesSent += pending.length;
          pending = null;
          if (pendingLast) {
            finish();
            return;
          }
          continue;
        }
        Content.Chunk chunk = body.read();
        if (chunk == null) {
          out.flush(); // the upstream paused: pass on what it sent (streams, server-sent events)
          if (out.isReady()) {
            body.demand(this::onWritePossible);
          } // else the container calls onWritePossible once the flush went out
          return;
        }
        if (Content.Chunk.isFailure(chunk)) {
          return; // completed() answers for the failure
        }
        pending = new byte[chunk.getByteBuffer().remaining()];
        pendingLast = copy(chunk, ByteBuffer.wrap(pending));
      }
    } catch (IOException e) {
      clientFailed(e);
    }
  }

  /**
   * Copies a chunk out (the container may keep what it is given), releases it; whether it was the
   * last.
   */
  private static boolean copy(Content.Chunk chunk, ByteArrayOutputStream to) {
    byte[] bytes = new byte[chunk.getByteBuffer().remaining()];
    boolean last = copy(chunk, ByteBuffer.wrap(bytes));
    to.writeBytes(bytes);
    return last;
  }

  private static boolean copy(Content.Chunk chunk, ByteBuffer to) {
    to.put(chunk.getByteBuffer());
    boolean last = chunk.isLast();
    chunk.release();
    return last;
  }

  private void completed(Result result) {
    NodeState tried = node;
    tried.ended();
    if (result.isSucceeded()) {
      synchronized (this) {
        if (body == null) {
          finish(); // a response without a body; one with a body ends when its last byte is written
        }
      }
      return;
    }
    Throwable failure = result.getFailure();
    if (!finished.get() && !busy(failure)) { // finished: the gateway aborted it (client, body)
      traffic.failed(target, errorKind(failure));
    }
    if (!headSeen) {
      if (!busy(failure)) { // the gateway's own queue limit is no fault of the node's
        attempts.failed(tried, failureKind(failure));
      }
      if (retriable(failure)) {
        NodeState next = attempts.next();
        if (next != null) {
          LOG.info(
              () ->
                  "UPSTREAM "
                      + target.key()
                      + " "
                      + tried.hostHeader()
                      + " failed, try "
                      + attempts.count()
                      + " on "
                      + next.hostHeader()
                      + ": "
                      + failure);
          attempt(next, null);
          return;
        }
      }
    }
    upstreamFailed(failure);
  }

  /**
   * Whether the request may go to another node after this failure: it has no body (which is
   * streamed, not kept), nothing came back, and either nothing was sent or the method is
   * idempotent; a try that waited for its timeout is not repeated, one the node refused or reset
   * is.
   */
  private boolean retriable(Throwable failure) {
    if (hasBody || clientGone || finished.get() || failure instanceof HttpResponseException) {
      return false;
    }
    boolean timedOut = failureKind(failure) == NodeState.Failure.TIMEOUT;
    if (!committed) {
      return true;
    }
    return !timedOut && IDEMPOTENT.contains(req.getMethod());
  }

  private static boolean busy(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof RejectedExecutionException) {
        return true;
      }
    }
    return false;
  }

  static NodeState.Failure failureKind(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return NodeState.Failure.TCP;
      }
      if (t instanceof TimeoutException || t instanceof SocketTimeoutException) {
        return NodeState.Failure.TIMEOUT;
      }
    }
    return NodeState.Failure.TCP;
  }

  private static UpstreamError errorKind(Throwable failure) {
    if (UpstreamTlsFailure.describe(failure).isPresent()) {
      return UpstreamError.TLS;
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof HttpResponseException) {
        return UpstreamError.INVALID;
      }
    }
    return switch (failureKind(failure)) {
      case TIMEOUT -> UpstreamError.TIMEOUT;
      default -> refused(failure) ? UpstreamError.CONNECT : UpstreamError.RESET;
    };
  }

  private static boolean refused(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return true;
      }
    }
    return false;
  }

  private synchronized void upstreamFailed(Throwable failure) {
    if (clientGone || finished.get()) {
      finish();
      return;
    }
    if (res.isCommitted() || (out != null && !out.isReady())) {
      LOG.warning(
          () ->
              "UPSTREAM "
                  + target.key()
                  + " failed in the middle of the response, cutting the client off: "
                  + failure);
      ClientConnection.cut(res);
      finish();
      return;
    }
    int status = status(failure);
    if (status == HttpServletResponse.SC_GATEWAY_TIMEOUT
        && requestBody != null
        && requestBody.awaitsClient()) {
      // the upstream had nothing to do because the client sent nothing: the client's timeout
      bodyTimedOut(
          new TimeoutException("the route's timeout ran out waiting for the request body"));
      return;
    }
    String reason = reason(status, failure);
    LOG.info(
        () ->
            "UPSTREAM "
                + target.key()
                + " "
                + node.hostHeader()
                + " answered "
                + status
                + " ("
                + reason
                + "): "
                + failure);
    res.reset();
    if (chunked()) {
      res.setHeader("Connection", "close"); // see ForwardingFilter: the connection is not trusted
    }
    this.status = status;
    try {
      bytesSent = ForwardingFilter.reply(res, status, reason);
    } catch (IOException e) {
      clientGone = true;
    }
    finish();
  }

  /** 504 for an upstream that stayed silent too long, 503 when too many wait for it, else 502. */
  private static int status(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException || t instanceof SocketTimeoutException) {
        return HttpServletResponse.SC_GATEWAY_TIMEOUT;
      }
      if (t instanceof RejectedExecutionException) {
        return HttpServletResponse.SC_SERVICE_UNAVAILABLE;
      }
    }
    return HttpServletResponse.SC_BAD_GATEWAY;
  }

  private static String reason(int status, Throwable failure) {
    if (status == HttpServletResponse.SC_GATEWAY_TIMEOUT) {
      return "upstream timed out";
    }
    if (status == HttpServletResponse.SC_SERVICE_UNAVAILABLE) {
      return "upstream busy: too many requests are waiting for it";
    }
    if (failure instanceof HttpResponseException) {
      return "upstream sent an invalid response";
    }
    return UpstreamTlsFailure.describe(failure)
        .orElse("upstream unreachable: it refused or reset the connection");
  }

  /**
   * The client's body stayed silent too long: 408, its connection closed (what it still sends is
   * never read as a request), and the upstream request aborted with what had arrived.
   */
  @Override
  public synchronized void bodyTimedOut(TimeoutException failure) {
    if (!finished.get() && !res.isCommitted()) {
      LOG.info(
          () -> "CLIENT " + req.getRemoteAddr() + " sent no request body for too long: " + failure);
      res.reset();
      UntrustedConnections.closeAfter(req, res);
      status = HttpServletResponse.SC_REQUEST_TIMEOUT;
      try {
        bytesSent = ForwardingFilter.reply(res, status, "request body timed out");
        res.flushBuffer();
        ClientConnection.close(res);
      } catch (IOException e) {
        // the client is gone as well
      }
    }
    upstream.abort(failure);
    finish();
  }

  /** The client went away or its connection failed: there is nobody to answer. */
  @Override
  public void clientFailed(Throwable failure) {
    clientGone = true;
    if (upstream != null) {
      upstream.abort(failure);
    }
    finish();
  }

  private synchronized void finish() {
    if (finished.compareAndSet(false, true)) {
      traffic.answered(
          req,
          target,
          node,
          clientGone && status == 0 ? 499 : status, // nginx's 499: the client left first
          requestBody == null ? 0 : requestBody.bytesRead(),
          bytesSent,
          startNanos,
          upstreamNanos);
      if (requestBody == null) {
        complete();
      } else {
        requestBody.end(this::complete); // never while a read runs the connection's filter chain
      }
    }
  }

  /**
   * Ends the request. A body the client is still sending is skipped by the container (its framing
   * is known) before the connection serves another request.
   */
  private void complete() {
    try {
      async.complete();
    } catch (IllegalStateException alreadyOver) {
      // the container ended the request itself, after an error on the client's connection
    }
  }

  @Override
  public void onError(Throwable failure) {
    clientFailed(failure);
  }

  @Override
  public void onError(AsyncEvent event) {
    clientFailed(event.getThrowable());
  }

  @Override
  public void onComplete(AsyncEvent event) {}

  @Override
  public void onTimeout(AsyncEvent event) {}

  @Override
  public void onStartAsync(AsyncEvent event) {}
}
