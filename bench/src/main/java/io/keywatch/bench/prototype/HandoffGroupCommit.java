package io.keywatch.bench.prototype;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * PROTOTYPE of a change proposed for shared-ejb's {@code GroupCommit}, measured by the writes
 * benchmark (bench.writes.group-commit=handoff). Same SQL as the shipped class (kv_put_many, then
 * the superseded rows in one query), different coordination:
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

  private static final String PUT_MANY =
      "SELECT revision, key, value, create_revision, version, prev_revision, txn_revision, created_at FROM kv_put_many(?, ?)";
  private static final String ROWS_AT =
      "SELECT revision, key, value, create_revision, version, prev_revision, txn_revision, created_at FROM kv WHERE revision = ANY(?)";

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
      c.setAutoCommit(false);
      try {
        List<Long> revisions = putAll(c, batch);
        c.commit();
        for (int i = 0; i < batch.size(); i++) {
          batch.get(i).result().complete(revisions.get(i));
        }
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException | RuntimeException e) {
      batch.forEach(r -> r.result().completeExceptionally(e));
    }
    for (Request r : batch) {
      LockSupport.unpark(r.caller());
    }
  }

  private static List<Long> putAll(Connection c, List<Request> batch) throws SQLException {
    List<Long> revisions = new ArrayList<>(batch.size());
    List<Long> previous = new ArrayList<>(batch.size());
    try (PreparedStatement s = c.prepareStatement(PUT_MANY)) {
      s.setArray(1, c.createArrayOf("text", batch.stream().map(Request::key).toArray(String[]::new)));
      s.setArray(2, c.createArrayOf("bytea", batch.stream().map(Request::value).toArray(byte[][]::new)));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          revisions.add(rs.getLong(1));
          previous.add(rs.getLong(6));
        }
      }
    }
    Array prev = c.createArrayOf("bigint", previous.toArray(Long[]::new));
    try (PreparedStatement s = c.prepareStatement(ROWS_AT)) {
      s.setArray(1, prev);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          rs.getBytes(3);
        }
      }
    }
    return revisions;
  }
}
