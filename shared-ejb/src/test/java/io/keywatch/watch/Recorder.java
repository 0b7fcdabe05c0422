package io.keywatch.watch;

import io.keywatch.kv.KvEvent;
import io.keywatch.kv.StoreUnavailableException;
import java.util.ArrayList;
import java.util.List;

/** A feed listener that keeps everything it is given, for assertions. */
final class Recorder implements FeedListener {

  final List<EventBatch> batches = new ArrayList<>();
  final List<StoreReset> resets = new ArrayList<>();
  final List<StoreUnavailableException> outages = new ArrayList<>();

  @Override
  public synchronized void onBatch(EventBatch batch) {
    batches.add(batch);
  }

  @Override
  public synchronized void onReset(StoreReset reset) {
    resets.add(reset);
  }

  @Override
  public synchronized void onUnavailable(StoreUnavailableException cause) {
    outages.add(cause);
  }

  synchronized List<StoreUnavailableException> outages() {
    return List.copyOf(outages);
  }

  synchronized List<Long> revisions() {
    return batches.stream().flatMap(b -> b.events().stream()).map(KvEvent::revision).toList();
  }

  synchronized List<StoreReset> resets() {
    return List.copyOf(resets);
  }

  synchronized List<EventBatch> batches() {
    return List.copyOf(batches);
  }
}
