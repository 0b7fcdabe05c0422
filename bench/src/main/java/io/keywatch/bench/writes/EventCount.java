package io.keywatch.bench.writes;

/**
 * What one watcher received: how many events, and whether each came right after the one before
 * (revisions one apart). The writers' revisions are the only ones in the store, so a watcher that
 * saw them all has {@code count == last revision - first revision + 1}.
 */
final class EventCount {

  private long count;
  private long last = -1;
  private String problem;

  synchronized void add(long revision) {
    if (last >= 0 && revision != last + 1 && problem == null) {
      problem = "revision " + revision + " after " + last;
    }
    last = revision;
    count++;
  }

  synchronized long count() {
    return count;
  }

  synchronized String problem() {
    return problem;
  }

  @Override
  public synchronized String toString() {
    return count + " events up to " + last + (problem == null ? "" : ", " + problem);
  }
}
