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
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit of concurrent puts, as etcd batches its raft log: puts queue up while one committer
 * writes; the next committer takes everything queued, up to a limit, into one transaction. Each put
 * keeps its own revision and its own answer. A lone put pays nothing extra: it finds no one to wait
 * for and commits at once, in one round trip.
 *
 * <p>Hand-off, so that batches actually fill: a caller that finds the committer busy parks on its
 * own request. The committer unparks the callers of the batch it committed (they return at once and
 * queue their next puts while the next batch commits) and, on release, unparks the caller at the
 * head of the queue, which becomes the next committer. Whoever releases the lock re-checks the
 * queue, so no request is left without a committer. (With callers blocked in {@code lock()}
 * instead, they left one lock hand-off at a time and batches held one or two puts.)
 *
 * <p>If a batch is refused by the database, its puts are retried one transaction each, so that one
 * bad put cannot fail the others.
 */
final class GroupCommit {

  private record Request(
      String key, byte[] value, long lease, Thread caller, CompletableFuture<PutResult> result) {}

  private final Transactions transactions;
  private final PgStatements statements;
  private final int limit;
  private final ConcurrentLinkedQueue<Request> queue = new ConcurrentLinkedQueue<>();

  /** Held by the one thread committing; the others park until it hands off. */
  private final ReentrantLock committer = new ReentrantLock();

  GroupCommit(Transactions transactions, PgStatements statements, int limit) {
    this.transactions = transactions;
    this.statements = statements;
    this.limit = limit;
  }

  /** Puts a value attached to {@code lease} (0: none). */
  PutResult put(String key, byte[] value, long lease) {
    Request mine =
        new Request(key, value, lease, Thread.currentThread(), new CompletableFuture<>());
    queue.add(mine);
    while (!mine.result().isDone()) {
      if (committer.tryLock()) {
        try {
          if (!mine.result().isDone()) {
            commitQueued();
          }
        } finally {
          committer.unlock();
        }
        Request next = queue.peek();
        if (next != null) {
          LockSupport.unpark(next.caller());
        }
      } else {
        LockSupport.park(this);
      }
    }
    try {
      return mine.result().get();
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

  private void commitQueued() {
    List<Request> batch = new ArrayList<>();
    for (Request r; batch.size() < limit && (r = queue.poll()) != null; ) {
      batch.add(r);
    }
    if (batch.isEmpty()) {
      return;
    }
    try {
      List<PutResult> results = putAll(batch);
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).result().complete(results.get(i));
      }
    } catch (RuntimeException batchFailure) {
      if (!refusedByDatabase(batchFailure) || batch.size() == 1) {
        batch.forEach(r -> r.result().completeExceptionally(batchFailure));
      } else {
        for (Request r : batch) {
          try {
            r.result().complete(putAll(List.of(r)).get(0));
          } catch (RuntimeException e) {
            r.result().completeExceptionally(e);
          }
        }
      }
    }
    for (Request r : batch) {
      LockSupport.unpark(r.caller());
    }
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
            s.setArray(1, PgStatements.textArray(c, batch.stream().map(Request::key).toList()));
            s.setArray(2, PgStatements.byteaArray(c, batch.stream().map(Request::value).toList()));
            if (batch.stream().allMatch(r -> r.lease() == 0)) {
              s.setNull(3, Types.ARRAY); // no lease to look up
            } else {
              s.setArray(
                  3, PgStatements.bigintArray(c, batch.stream().map(Request::lease).toList()));
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
