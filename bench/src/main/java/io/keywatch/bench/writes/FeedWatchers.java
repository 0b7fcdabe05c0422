package io.keywatch.bench.writes;

import io.keywatch.bench.lab.BenchDatabase;
import io.keywatch.kv.KvEvent;
import io.keywatch.watch.ChangeFeed;
import io.keywatch.watch.EventBatch;
import io.keywatch.watch.FeedListener;
import io.keywatch.watch.StoreReset;
import java.util.ArrayList;
import java.util.List;

/**
 * N {@link ChangeFeed}s, each with its own LISTEN connection and thread: what N data planes (N
 * proxy servers, each with its WatchHub) put on PostgreSQL.
 */
final class FeedWatchers extends CountingWatchers {

  private final List<ChangeFeed> feeds = new ArrayList<>();

  FeedWatchers(BenchDatabase db, int n) throws InterruptedException {
    for (int i = 0; i < n; i++) {
      EventCount count = newCount();
      feeds.add(
          db.startFeed(
              "bench-feed-" + i,
              new FeedListener() {
                @Override
                public void onBatch(EventBatch batch) {
                  for (KvEvent e : batch.events()) {
                    count.add(e.revision());
                  }
                }

                @Override
                public void onReset(StoreReset reset) {
                  throw new IllegalStateException("store reset during the benchmark: " + reset);
                }
              }));
    }
  }

  @Override
  public void close() {
    feeds.forEach(ChangeFeed::close);
  }
}
