package io.keywatch.proxy.forward;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The client's request body, passed to the upstream as it arrives, with no thread held while it
 * trickles in or stays silent: the container calls {@link #onDataAvailable} when bytes are there,
 * and each buffer is read only once the upstream connection has taken the last one, so a slow
 * upstream slows the client down instead of filling the heap. A body silent for longer than the
 * body timeout (nginx's {@code client_body_timeout}) is reported to the exchange.
 *
 * <p>Non-blocking reads on Payara (Grizzly 4) are safe only under three rules, all kept here;
 * breaking one lets two threads drive one connection's filter chain, which mixes up its stored
 * remainders ({@code ClassCastException} in {@code DefaultFilterChain}, a dropped connection):
 *
 * <ol>
 *   <li>{@code read} only right after {@code isReady} said true: with nothing buffered, Grizzly's
 *       {@code InputBuffer.read} falls back to a blocking read through the filter chain ({@code
 *       fill}, {@code FilterChainContext.read()}) on the calling thread.
 *   <li>{@code isReady} and {@code read} on one thread at a time, under this object's lock:
 *       Payara's and Grizzly's input buffers are not synchronised, and an {@code isReady} that
 *       finds nothing buffered runs the filter chain on the calling thread ({@code
 *       InputBuffer.notifyAvailable} forks the request's suspended {@code FilterChainContext}) to
 *       parse what arrived since.
 *   <li>The exchange ends under the same lock ({@link #end}): {@code AsyncContext.complete()}
 *       resumes that same suspended {@code FilterChainContext} on the calling thread, so it must
 *       never run while a read forks it. The upstream answers as soon as the body ends, so its
 *       thread would complete the exchange while the read that saw the last chunk still ran.
 * </ol>
 *
 * The first non-blocking body reads here (an {@code IteratingCallback} resumed from the upstream
 * client's callback) kept rules 1 and 2 but not 3, and lost 6 of 75 chunked 100 MiB uploads in CI
 * to that {@code ClassCastException}; put back on Payara 6.2025.10 for an ad-hoc run, they lost
 * none of 2,000, so the race is rare. The blocking reads that replaced them held one of the
 * container's 200 HTTP threads per upload while it flowed, so 200 slow uploads stopped the gateway.
 * What the rules cannot rule out (read off Payara 6.2025.10's classes), and what still lost a
 * chunked 100 MiB upload in one CI run of the last ten or so: {@link #taken} runs on the upstream
 * client's thread, and its {@code isReady}, finding nothing buffered, forks the chain while the
 * container's thread may still be leaving it after the callback that read the last buffer; and when
 * a fork finds bytes at once, Payara runs {@code onDataAvailable} on a thread of its own executor
 * while the forking thread is still in the chain. Reading only inside callbacks, the container's
 * thread waiting there until the upstream had taken each buffer, was tried and broke at once:
 * Grizzly parsed a chunked body's bytes as the next request's head ({@code Unknown protocol}).
 * Payara itself now and then logs a {@code NullPointerException} from {@code
 * ReadHandlerImpl.processCallbacks}, a callback it queued running after its request ended: it calls
 * no listener (about 1 in 40 chunked uploads, with these rules or without).
 */
final class RequestBody implements ReadListener {

  /** What the body's failures mean to the exchange; called without this object's lock held. */
  interface Outcome {
    void bodyTimedOut(TimeoutException silence);

    void clientFailed(Throwable failure);
  }

  private final ServletInputStream in;
  private final AsyncRequestContent content;
  private final int bufferSize;
  private final Outcome outcome;
  private final Scheduler scheduler;
  private final long timeoutNanos;

  /** A buffer was handed upstream and not taken yet: nothing is read until it is. */
  private boolean inFlight; // guarded by this

  /** A thread is in {@link #pump}: a callback from inside it only leaves a note. */
  private boolean pumping; // guarded by this

  /** The body ended, failed or ran out of time, or the exchange ended: nothing more is read. */
  private boolean over; // guarded by this

  /** When the client last sent bytes, or the upstream took the last of them. */
  private long lastProgress; // guarded by this

  private long bytesRead; // guarded by this

  /**
   * @param timeout how long the body may stay silent; null for no bound
   */
  RequestBody(
      ServletInputStream in,
      AsyncRequestContent content,
      int bufferSize,
      Outcome outcome,
      Scheduler scheduler,
      Duration timeout) {
    this.in = in;
    this.content = content;
    this.bufferSize = bufferSize;
    this.outcome = outcome;
    this.scheduler = scheduler;
    this.timeoutNanos = timeout == null ? 0 : timeout.toNanos();
  }

  /** Starts reading: the container calls back from now on, at once if bytes are there already. */
  void start() {
    synchronized (this) {
      lastProgress = System.nanoTime();
      if (timeoutNanos > 0) {
        scheduler.schedule(this::checkSilence, timeoutNanos, TimeUnit.NANOSECONDS);
      }
      in.setReadListener(this);
    }
  }

  @Override
  public void onDataAvailable() {
    IOException failure;
    synchronized (this) {
      failure = pump();
    }
    if (failure != null) {
      outcome.clientFailed(failure);
    }
  }

  /** The upstream connection took the last buffer: read on while the container has more. */
  private void taken() {
    IOException failure;
    synchronized (this) {
      inFlight = false;
      lastProgress = System.nanoTime();
      failure = pump();
    }
    if (failure != null) {
      outcome.clientFailed(failure);
    }
  }

  /** Reads and hands on while there are bytes and nothing is in flight; a read's failure. */
  private IOException pump() {
    if (pumping) {
      return null; // the loop below sees what changed
    }
    pumping = true;
    try {
      while (!over && !inFlight && in.isReady()) {
        // a fresh buffer each time: the content holds the last one until it is written
        byte[] buffer = new byte[bufferSize];
        int n = in.read(buffer);
        if (n < 0) {
          return null; // onAllDataRead follows
        }
        if (n > 0) {
          bytesRead += n;
          inFlight = true;
          lastProgress = System.nanoTime();
          content.write(ByteBuffer.wrap(buffer, 0, n), Callback.from(this::taken, this::notTaken));
        }
      }
      return null;
    } catch (IOException e) {
      over = true;
      return e;
    } finally {
      pumping = false;
    }
  }

  /** The body bytes read from the client so far. */
  synchronized long bytesRead() {
    return bytesRead;
  }

  /** The upstream failed; the upstream client reports that to the exchange. */
  private synchronized void notTaken(Throwable failure) {
    over = true;
  }

  @Override
  public synchronized void onAllDataRead() {
    if (!over) {
      over = true;
      content.close();
    }
  }

  @Override
  public void onError(Throwable failure) {
    synchronized (this) {
      if (over) {
        return;
      }
      over = true;
    }
    outcome.clientFailed(failure);
  }

  /** Runs when the body would have run out of time; looks again later if it has sent since. */
  private void checkSilence() {
    long silent;
    synchronized (this) {
      if (over) {
        return;
      }
      // while the upstream has not taken the last bytes, the client is not the one silent
      silent = inFlight ? 0 : System.nanoTime() - lastProgress;
      if (silent < timeoutNanos) {
        scheduler.schedule(this::checkSilence, timeoutNanos - silent, TimeUnit.NANOSECONDS);
        return;
      }
      over = true;
    }
    outcome.bodyTimedOut(
        new TimeoutException(
            "no request body for " + Duration.ofNanos(silent).truncatedTo(ChronoUnit.MILLIS)));
  }

  /**
   * Whether the body waits for the client now: it has not ended and the upstream took all it was
   * given. Only where a body timeout applies (HTTP/1: the 408 closes the connection).
   */
  synchronized boolean awaitsClient() {
    return timeoutNanos > 0 && !over && !inFlight;
  }

  /** Ends the exchange under this object's lock (rule 3), after which nothing more is read. */
  synchronized void end(Runnable end) {
    over = true;
    end.run();
  }
}
