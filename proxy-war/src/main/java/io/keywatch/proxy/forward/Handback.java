package io.keywatch.proxy.forward;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The last step of a quick answer, handed from the upstream client's thread back to the container's
 * thread, which waits for it a little in the filter before leaving the request asynchronous. A
 * request ended on the container's own thread skips the container's resume: its request objects are
 * recycled into that thread's cache (not the client thread's, where they would be dropped and built
 * again for the next request), and no second pass through its filter chain and request listeners is
 * made. Whichever side gives up first decides: a step handed after the wait ended runs where it was
 * handed.
 */
final class Handback {

  private static final int WAITING = 0;
  private static final int HANDED = 1;
  private static final int LEFT = 2;

  private final Thread waiter = Thread.currentThread();
  private final AtomicInteger state = new AtomicInteger(WAITING);
  private volatile Runnable step;

  /** Runs {@code step} on the waiting thread, or here if it no longer waits; one step only. */
  void run(Runnable step) {
    if (state.get() == WAITING) {
      this.step = step;
      if (state.compareAndSet(WAITING, HANDED)) {
        LockSupport.unpark(waiter);
        return;
      }
    }
    step.run();
  }

  /** On the container's thread: waits up to {@code patience} and runs what was handed in time. */
  void await(Duration patience) {
    long deadline = System.nanoTime() + patience.toNanos();
    for (long left = patience.toNanos(); left > 0 && state.get() == WAITING; ) {
      LockSupport.parkNanos(this, left);
      left = deadline - System.nanoTime();
    }
    if (!state.compareAndSet(WAITING, LEFT)) {
      step.run();
    }
  }
}
