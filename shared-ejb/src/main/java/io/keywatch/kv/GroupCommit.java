package io.keywatch.kv;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * Group commit of concurrent puts, as etcd batches its raft log: puts queue up while one committer
 * writes; the next committer takes everything queued, up to a limit, into one transaction. Each put
 * keeps its own revision and its own answer. A lone put pays nothing extra: it finds no one to wait
 * for and commits at once.
 *
 * <p>If a batch is refused by the database, its puts are retried one transaction each, so that one
 * bad put cannot fail the others.
 */
final class GroupCommit {

  private record Request(String key, byte[] value, CompletableFuture<PutResult> result) {}

  private final DataSource dataSource;
  private final int limit;
  private final ConcurrentLinkedQueue<Request> queue = new ConcurrentLinkedQueue<>();
  /** Held by the one thread committing; the others queue behind it. */
  private final ReentrantLock committer = new ReentrantLock();

  GroupCommit(DataSource dataSource, int limit) {
    this.dataSource = dataSource;
    this.limit = limit;
  }

  PutResult put(String key, byte[] value) {
    Request mine = new Request(key, value, new CompletableFuture<>());
    queue.add(mine);
    while (!mine.result().isDone()) {
      committer.lock();
      try {
        if (!mine.result().isDone()) {
          commitQueued();
        }
      } finally {
        committer.unlock();
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
      List<PutResult> results = PgKvStore.inTransaction(dataSource, false, c -> putAll(c, batch));
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).result().complete(results.get(i));
      }
    } catch (RuntimeException batchFailure) {
      if (outcomeUnknown(batchFailure)) {
        batch.forEach(r -> r.result().completeExceptionally(batchFailure));
        return;
      }
      for (Request r : batch) {
        try {
          r.result().complete(PgKvStore.inTransaction(dataSource, false, c -> putAll(c, List.of(r)).get(0)));
        } catch (RuntimeException e) {
          r.result().completeExceptionally(e);
        }
      }
    }
  }

  /**
   * A lost connection may have lost the commit's answer, not the commit: retrying could write a
   * put twice, so such a failure goes back to the callers as it is.
   */
  private static boolean outcomeUnknown(RuntimeException e) {
    if (!(e.getCause() instanceof SQLException sql)) {
      return false;
    }
    String state = sql.getSQLState();
    return state == null || state.startsWith("08") || state.startsWith("57P");
  }

  private static List<PutResult> putAll(Connection c, List<Request> batch) throws SQLException {
    List<KeyValue> written = new ArrayList<>(batch.size());
    List<Long> prevRevisions = new ArrayList<>(batch.size());
    try (PreparedStatement s = c.prepareStatement(PgStatements.PUT_MANY)) {
      s.setArray(1, PgStatements.textArray(c, batch.stream().map(Request::key).toList()));
      s.setArray(2, PgStatements.byteaArray(c, batch.stream().map(Request::value).toList()));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          written.add(PgStatements.keyValue(rs, 1));
          prevRevisions.add(rs.getLong(6));
        }
      }
    }
    if (written.size() != batch.size()) {
      throw new IllegalStateException("kv_put_many wrote " + written.size() + " rows for " + batch.size() + " puts");
    }
    Map<Long, KeyValue> previous = PgStatements.rowsAt(c, prevRevisions);
    List<PutResult> results = new ArrayList<>(batch.size());
    for (int i = 0; i < written.size(); i++) {
      results.add(new PutResult(written.get(i), previous.get(prevRevisions.get(i))));
    }
    return results;
  }
}
