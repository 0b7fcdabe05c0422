package io.keywatch.kv;

import java.time.Duration;

/**
 * The store's changes as a log to follow: what a watch needs of the store besides {@link KvStore}.
 * A follower reads "every change after revision R" in one snapshot, and waits to be woken by the
 * next write. Because revisions are gap-free and increase in commit order, those two are enough to
 * miss nothing and repeat nothing: the wake-up only says when to read, the log says what.
 */
public interface ChangeLog {

  /**
   * Starts following. Every write committed after this returns wakes {@link Follower#awaitWrite};
   * one committed earlier is seen by the next read. Throws {@link StoreUnavailableException}.
   */
  Follower follow();

  /**
   * One following of the log, used by one thread; {@link #close} may come from any thread and ends
   * a wait. Every method throws {@link StoreUnavailableException} once the follower is broken (the
   * database went away or fell silent longer than the adapter allows): follow again.
   */
  interface Follower extends AutoCloseable {

    /** Where the store stands. */
    Revisions revisions();

    /**
     * Where the store stands and the changes after {@code revision}, oldest first, at most about
     * {@code limit} of them (a transaction cut by the limit is completed), all from one snapshot.
     */
    Changes changesAfter(long revision, int limit);

    /**
     * Returns when a write was committed since the last call, or after {@code timeout} (a caller
     * that then reads anyway checks that the follower still works).
     */
    void awaitWrite(Duration timeout);

    @Override
    void close();
  }
}
