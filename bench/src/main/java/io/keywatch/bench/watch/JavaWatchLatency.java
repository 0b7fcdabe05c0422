package io.keywatch.bench.watch;

import io.keywatch.bench.lab.BenchDatabase;
import io.keywatch.kv.KvEvent;
import io.keywatch.watch.ChangeFeed;
import io.keywatch.watch.EventBatch;
import io.keywatch.watch.FeedListener;
import io.keywatch.watch.StoreReset;

/**
 * Keywatch's side through its Java API: {@code PgKvStore.put} and a {@link ChangeFeed} on its own
 * LISTEN connection, whose listener is where the WatchHub fires its CDI events.
 */
final class JavaWatchLatency {

  private static final String KEY = "/bench/watch/key";

  private JavaWatchLatency() {}

  static SequentialPuts.Timings run(BenchDatabase db, int warmup, int count) throws Exception {
    ArrivalLog log = new ArrivalLog();
    FeedListener listener =
        new FeedListener() {
          @Override
          public void onBatch(EventBatch batch) {
            for (KvEvent e : batch.events()) {
              log.arrived(e.revision());
            }
          }

          @Override
          public void onReset(StoreReset reset) {
            throw new IllegalStateException("store reset during the benchmark: " + reset);
          }
        };
    try (ChangeFeed feed = db.startFeed("bench-watch", listener)) {
      SequentialPuts.Put put = i -> db.store().put(KEY, SequentialPuts.value(i)).kv().modRevision();
      return SequentialPuts.measure(warmup, count, put, log);
    }
  }
}
