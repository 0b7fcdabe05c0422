package io.keywatch.bench.prototype;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * PROTOTYPE of a change proposed for shared-ejb's {@code GroupCommit}, measured by the writes and
 * watch benchmarks (bench/run with BENCH_OPTS=-Dbench.put=prototype). Two differences to the shipped class:
 *
 * <p>1. One round trip per batch instead of four (BEGIN with the first statement, kv_put_many, the
 * superseded rows, COMMIT): one statement in autocommit mode returns the new rows joined to the
 * rows they supersede.
 *
 * <p>2. Coordination:
 *
 * <p>Shipped: every waiting caller blocks in {@code committer.lock()}. When a batch commits, its
 * callers cannot return before each has taken and released the lock in turn, so new puts trickle in
 * one lock hand-off at a time and the next batch holds one or two puts (measured: 1.7 puts per
 * transaction with 8 writers, 1.9 with 32).
 *
 * <p>Here: a caller that finds the committer busy parks on its own request. The committer unparks
 * every caller of the batch it committed (they return at once and queue their next put while the
 * next batch commits), then, on release, unparks the caller at the head of the queue, which becomes
 * the next committer. Whoever releases the lock re-checks the queue, so no request is left without
 * a committer: a caller that failed to get the lock did so before that release, and its request was
 * queued before that.
 */
public final class HandoffGroupCommit {

  private static final String PUT_MANY_WITH_PREVIOUS =
      "SELECT n.revision, n.key, n.value, n.create_revision, n.version, n.prev_revision, n.txn_revision, n.created_at,"
          + " p.revision, p.value, p.create_revision, p.version, p.created_at"
          + " FROM kv_put_many(?, ?) WITH ORDINALITY n LEFT JOIN kv p ON p.revision = n.prev_revision ORDER BY n.ordinality";

  private record Request(String key, byte[] value, Thread caller, CompletableFuture<Long> result) {}

  private final DataSource dataSource;
  private final int limit;
  private final ConcurrentLinkedQueue<Request> queue = new ConcurrentLinkedQueue<>();
  private final ReentrantLock committer = new ReentrantLock();

  public HandoffGroupCommit(DataSource dataSource, int limit) {
    this.dataSource = dataSource;
    this.limit = limit;
  }

  /** Puts a value; returns its revision. */
  public long put(String key, byte[] value) {
    Request mine = new Request(key, value, Thread.currentThread(), new CompletableFuture<>());
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
    try (Connection c = dataSource.getConnection()) {
      List<Long> revisions = putAll(c, batch);
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).result().complete(revisions.get(i));
      }
    } catch (SQLException | RuntimeException e) {
      batch.forEach(r -> r.result().completeExceptionally(e));
    }
    for (Request r : batch) {
      LockSupport.unpark(r.caller());
    }
  }

  /**
   * One statement in autocommit mode, so one round trip that also commits: the puts and their
   * superseded rows. A superseded row written earlier in the same batch (the same key twice) is not
   * visible to the statement; its value is taken from the batch's own rows instead.
   */
  private static List<Long> putAll(Connection c, List<Request> batch) throws SQLException {
    List<Long> revisions = new ArrayList<>(batch.size());
    Map<Long, byte[]> written = new HashMap<>();
    try (PreparedStatement s = c.prepareStatement(PUT_MANY_WITH_PREVIOUS)) {
      s.setArray(1, c.createArrayOf("text", batch.stream().map(Request::key).toArray(String[]::new)));
      s.setArray(2, c.createArrayOf("bytea", batch.stream().map(Request::value).toArray(byte[][]::new)));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          long revision = rs.getLong(1);
          revisions.add(revision);
          written.put(revision, rs.getBytes(3));
          long prevRevision = rs.getLong(6);
          rs.getLong(9);
          boolean prevFound = !rs.wasNull();
          rs.getBytes(10);
          if (!prevFound && prevRevision != 0 && !written.containsKey(prevRevision)) {
            throw new IllegalStateException("superseded row " + prevRevision + " of revision " + revision + " not found");
          }
        }
      }
    }
    return revisions;
  }
}
