package io.keywatch.watch;

import java.util.function.Consumer;

/**
 * Receives what the feed reads, on the feed's thread, in order. Implementations must return quickly:
 * the feed reads nothing else while they run.
 */
public interface FeedListener {

  void onBatch(EventBatch batch);

  void onReset(StoreReset reset);

  /** A listener of two functions. */
  static FeedListener of(Consumer<EventBatch> batches, Consumer<StoreReset> resets) {
    return new FeedListener() {
      @Override
      public void onBatch(EventBatch batch) {
        batches.accept(batch);
      }

      @Override
      public void onReset(StoreReset reset) {
        resets.accept(reset);
      }
    };
  }

  /** This listener, then {@code next}, for each batch and reset. */
  default FeedListener andThen(FeedListener next) {
    return of(
        batch -> {
          onBatch(batch);
          next.onBatch(batch);
        },
        reset -> {
          onReset(reset);
          next.onReset(reset);
        });
  }
}
