package io.keywatch.watch;

/**
 * Receives what the feed reads, on the feed's thread, in order. Implementations must return quickly:
 * the feed reads nothing else while they run.
 */
public interface FeedListener {

  void onBatch(EventBatch batch);

  void onReset(StoreReset reset);
}
