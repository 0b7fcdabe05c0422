package io.keywatch.kv.postgres;

import io.keywatch.kv.KeyValue;
import io.keywatch.kv.PutResult;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit of concurrent puts, as etcd batches its raft log: puts queue up while one committer
 * writes; the next committer takes everything queued, up to a limit, into one transaction. Each put
 * keeps its own revision and its own answer. A lone put pays nothing extra: it finds no one to wait
 * for and commits at once, in one round trip.
 *
 * <p>Hand-off, so that batches actually fill: a caller that finds the committer busy parks on its
 * own request. The committer, once it released the lock, wakes the caller at the head of the queue,
 * which becomes the next committer, and only then unparks the callers of the batch it committed
 * (they return at once and queue their next puts while the next batch commits). Whoever releases
 * the lock re-checks the queue, so no request is left without a committer. (With callers blocked in
 * {@code lock()} instead, they left one lock hand-off at a time and batches held one or two puts.)
 *
 * <p>An asynchronous put has no caller to park: it names an executor, and when it is at the head of
 * the queue with no commit under way, a commit runs there (at most one such task waits at a time).
 * Its answer completes on the thread that committed it, after that thread released the lock, so the
 * next batch commits while it answers. A thousand waiting puts then hold no thread.
 *
 * <p>If a batch is refused by the database, its puts are retried one transaction each, so that one
 * bad put cannot fail the others.
 */
final class GroupCommit {

  /** One put; {@code caller} is null for an asynchronous one, which commits on {@code executor}. */
  private static final class Request {
    final String key;
    final byte[] value;
    final long lease;
    final Thread caller;
    final Executor executor;
    final CompletableFuture<PutResult> result = new CompletableFuture<>();
    PutResult written;
    RuntimeException failure;

    Request(String key, byte[] value, long lease, Thread caller, Executor executor) {
      this.key = key;
      this.value = value;
      this.lease = lease;
      this.caller = caller;
      this.executor = executor;
    }

    /** Tells the caller the outcome its committer recorded. */
    void answer() {
      if (failure != null) {
        result.completeExceptionally(failure);
      } else {
        result.complete(written);
      }
      if (caller != null && caller != Thread.currentThread()) {
        LockSupport.unpark(caller);
      }
    }
  }

  private final Transactions transactions;
  private final PgStatements statements;
  private final int limit;
  private final ConcurrentLinkedQueue<Request> queue = new ConcurrentLinkedQueue<>();

  /** Held by the one thread committing; the others park until it hands off. */
  private final ReentrantLock committer = new ReentrantLock();

  /** Whether a commit task for asynchronous puts was handed to an executor and has not begun. */
  private final AtomicBoolean commitTaskPending = new AtomicBoolean();

  GroupCommit(Transactions transactions, PgStatements statements, int limit) {
    this.transactions = transactions;
    this.statements = statements;
    this.limit = limit;
  }

  /** Puts a value attached to {@code lease} (0: none). */
  PutResult put(String key, byte[] value, long lease) {
    Request mine = new Request(key, value, lease, Thread.currentThread(), null);
    queue.add(mine);
    while (!mine.result.isDone()) {
      if (!commitIfFree()) {
        LockSupport.park(this);
      }
    }
    try {
      return mine.result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * Puts a value attached to {@code lease} (0: none) without waiting: the result completes once the
   * put is committed, on the thread that committed it, which is one of {@code executor}'s unless
   * another put's caller took it into its batch.
   */
  CompletableFuture<PutResult> putAsync(String key, byte[] value, long lease, Executor executor) {
    Request mine = new Request(key, value, lease, null, executor);
    queue.add(mine);
    scheduleCommit(executor);
    return mine.result;
  }

  /**
   * Commits the next batch if no one else is committing. The batch is answered after the lock is
   * released and the next committer woken. False if someone is committing (who hands off when done)
   * or nothing was queued: a caller whose put is not in the queue then waits for the committer that
   * took it to answer.
   */
  private boolean commitIfFree() {
    if (!committer.tryLock()) {
      return false;
    }
    List<Request> batch;
    try {
      batch = commitQueued();
    } finally {
      committer.unlock();
    }
    handOff();
    batch.forEach(Request::answer);
    return !batch.isEmpty();
  }

  /** Wakes whoever commits the request at the head of the queue. */
  private void handOff() {
    Request next = queue.peek();
    if (next == null) {
      return;
    }
    if (next.caller != null) {
      LockSupport.unpark(next.caller);
    } else {
      scheduleCommit(next.executor);
    }
  }

  private void scheduleCommit(Executor executor) {
    if (!commitTaskPending.compareAndSet(false, true)) {
      return; // the pending task commits this put too, or hands off to whoever does
    }
    try {
      executor.execute(
          () -> {
            // cleared before trying the lock: a committer that holds it now hands off on release
            commitTaskPending.set(false);
            commitIfFree();
          });
    } catch (RejectedExecutionException e) {
      commitTaskPending.set(false);
      // the executor is shut down: its puts cannot commit, and nothing of them was written
      queue.removeIf(
          r -> {
            if (r.executor != executor) {
              return false;
            }
            r.failure = e;
            r.answer();
            return true;
          });
    }
  }

  /** Writes the next batch and records each put's outcome; the caller answers them. */
  private List<Request> commitQueued() {
    List<Request> batch = new ArrayList<>();
    for (Request r; batch.size() < limit && (r = queue.poll()) != null; ) {
      batch.add(r);
    }
    if (batch.isEmpty()) {
      return batch;
    }
    try {
      List<PutResult> results = putAll(batch);
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).written = results.get(i);
      }
    } catch (RuntimeException batchFailure) {
      if (!refusedByDatabase(batchFailure) || batch.size() == 1) {
        batch.forEach(r -> r.failure = batchFailure);
      } else {
        for (Request r : batch) {
          try {
            r.written = putAll(List.of(r)).get(0);
          } catch (RuntimeException e) {
            r.failure = e;
          }
        }
      }
    }
    return batch;
  }

  /**
   * Whether the database refused the batch, so that nothing of it was written. Anything else may
   * have come after the commit (a lost connection may have lost the commit's answer, not the
   * commit) and retrying could write a put twice, so such a failure goes back to the callers as it
   * is.
   */
  private static boolean refusedByDatabase(RuntimeException e) {
    if (!(e.getCause() instanceof SQLException sql)) {
      return false;
    }
    String state = sql.getSQLState();
    return state != null && !state.startsWith("08") && !state.startsWith("57P");
  }

  /**
   * One statement in autocommit mode, so one round trip that also commits: the puts, each with the
   * row it superseded (read by the function itself, see {@code kv_put_many_with_prev}).
   */
  private List<PutResult> putAll(List<Request> batch) {
    return transactions.autocommit(
        c -> {
          try (Timed t = statements.prepare(c, PgStatements.PUT_MANY_WITH_PREVIOUS);
              PreparedStatement s = t.statement()) {
            s.setArray(1, PgStatements.textArray(c, batch.stream().map(r -> r.key).toList()));
            s.setArray(2, PgStatements.byteaArray(c, batch.stream().map(r -> r.value).toList()));
            if (batch.stream().allMatch(r -> r.lease == 0)) {
              s.setNull(3, Types.ARRAY); // no lease to look up
            } else {
              s.setArray(3, PgStatements.bigintArray(c, batch.stream().map(r -> r.lease).toList()));
            }
            List<PutResult> results = new ArrayList<>(batch.size());
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                KeyValue kv = PgStatements.keyValue(rs, 1);
                long prevRevision = rs.getLong(6);
                rs.getLong(1 + PgStatements.COLUMNS);
                KeyValue prev =
                    rs.wasNull() ? null : PgStatements.keyValue(rs, 1 + PgStatements.COLUMNS);
                if (prev == null && prevRevision != 0) {
                  throw new IllegalStateException(
                      "superseded row "
                          + prevRevision
                          + " of revision "
                          + kv.modRevision()
                          + " not found");
                }
                results.add(new PutResult(kv, prev));
              }
            }
            if (results.size() != batch.size()) {
              throw new IllegalStateException(
                  "kv_put_many wrote " + results.size() + " rows for " + batch.size() + " puts");
            }
            return results;
          }
        });
  }
}
