package io.keywatch.bench.writes;

import java.time.Duration;

/** The watchers of one run: started before the writers, checked after them, then closed. */
public interface WatcherGroup extends AutoCloseable {

  /**
   * Waits until every watcher has received exactly {@code events} events, in order and without
   * gaps; fails with what each has otherwise.
   */
  void awaitAll(long events, Duration timeout) throws Exception;

  @Override
  void close() throws Exception;
}
