package io.keywatch.admin.etcd;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Moves a call's work off Netty's event loop, where the server (with a direct executor) delivers
 * it: the services wait on the database. Each call's listener events run on the call pool one at a
 * time, in order. grpc's own executor hand-off would also start the call and deliver its completion
 * there, two hand-offs per unary call; here the start runs on the event loop (the token check and
 * the services' start do not block) and so does the completion (no service listens to it), so a
 * unary call costs one. Methods whose handlers never block (they hand their waiting elsewhere) cost
 * none: their events stay on the event loop.
 */
final class CallThreads implements ServerInterceptor {

  private static final Logger LOG = Logger.getLogger(CallThreads.class.getName());

  private final Executor pool;
  private final Set<String> nonBlocking;

  /**
   * @param nonBlocking the full names of the methods whose events stay on the event loop
   */
  CallThreads(Executor pool, Set<String> nonBlocking) {
    this.pool = pool;
    this.nonBlocking = nonBlocking;
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
    if (nonBlocking.contains(call.getMethodDescriptor().getFullMethodName())) {
      return next.startCall(call, headers);
    }
    Serial serial = new Serial(pool, call);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(
        next.startCall(call, headers)) {
      @Override
      public void onMessage(Q message) {
        serial.execute(() -> delegate().onMessage(message));
      }

      @Override
      public void onHalfClose() {
        serial.execute(() -> delegate().onHalfClose());
      }

      @Override
      public void onCancel() {
        serial.execute(() -> delegate().onCancel());
      }

      @Override
      public void onReady() {
        serial.execute(() -> delegate().onReady());
      }
    };
  }

  /**
   * One call's events in order on the pool, at most one thread at a time. A failing event closes
   * the call as grpc does ("Application error processing RPC").
   */
  private static final class Serial {

    private final Executor pool;
    private final ServerCall<?, ?> call;
    private final Queue<Runnable> events = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();

    Serial(Executor pool, ServerCall<?, ?> call) {
      this.pool = pool;
      this.call = call;
    }

    void execute(Runnable event) {
      events.add(event);
      schedule();
    }

    private void schedule() {
      if (running.compareAndSet(false, true)) {
        pool.execute(this::drain);
      }
    }

    private void drain() {
      try {
        for (Runnable event; (event = events.poll()) != null; ) {
          run(event);
        }
      } finally {
        running.set(false);
      }
      // an event added after the poll found none, before running was cleared
      if (!events.isEmpty()) {
        schedule();
      }
    }

    private void run(Runnable event) {
      try {
        event.run();
      } catch (RuntimeException | Error e) {
        LOG.log(Level.WARNING, "ETCD call failed: " + e, e);
        try {
          call.close(
              Status.UNKNOWN.withDescription("Application error processing RPC").withCause(e),
              new Metadata());
        } catch (IllegalStateException alreadyClosed) {
          // the call ended before the failure
        }
      }
    }
  }
}
