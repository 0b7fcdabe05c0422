package io.keywatch.watch;

import io.keywatch.kv.Keys;
import io.keywatch.kv.KvStore;
import io.keywatch.kv.StoreUnavailableException;
import java.util.concurrent.CopyOnWriteArrayList;

/** The watches of one JVM: a {@link FeedListener} that hands each batch to the synced ones. */
public final class Watchers implements FeedListener {

  private final KvStore store;
  private final int queueCapacity;
  private final int historyBatch;
  private final CopyOnWriteArrayList<Watch> watches = new CopyOnWriteArrayList<>();
  private ChangeFeed feed;

  public Watchers(KvStore store, int queueCapacity, int historyBatch) {
    this.store = store;
    this.queueCapacity = queueCapacity;
    this.historyBatch = historyBatch;
  }

  /** Must be called once, before the feed starts. */
  public void attach(ChangeFeed feed) {
    this.feed = feed;
  }

  /** A watch of a prefix that will report every change with a revision above {@code after}. */
  public Watch watch(String prefix, long after) {
    Keys.requirePrefix(prefix);
    if (after < 0) {
      throw new IllegalArgumentException("revision must not be negative: " + after);
    }
    Watch w = new Watch(prefix, after, store, feed, this, queueCapacity, historyBatch);
    watches.add(w);
    return w;
  }

  public int size() {
    return watches.size();
  }

  void remove(Watch w) {
    watches.remove(w);
  }

  @Override
  public void onBatch(EventBatch batch) {
    for (Watch w : watches) {
      w.offer(batch);
    }
  }

  @Override
  public void onReset(StoreReset reset) {
    for (Watch w : watches) {
      w.reset(reset);
    }
  }

  @Override
  public void onUnavailable(StoreUnavailableException cause) {
    for (Watch w : watches) {
      w.nudge();
    }
  }
}
