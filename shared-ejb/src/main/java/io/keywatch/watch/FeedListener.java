package io.keywatch.watch;

import io.keywatch.kv.StoreUnavailableException;
import java.util.function.Consumer;

/**
 * Receives what the feed reads, on the feed's thread, in order. Implementations must return
 * quickly: the feed reads nothing else while they run.
 */
public interface FeedListener {

  void onBatch(EventBatch batch);

  void onReset(StoreReset reset);

  /**
   * The store has been unreachable for more than a heartbeat; told once per outage. The feed goes
   * on reconnecting and then delivers from where it stopped, so nothing is lost: this is for
   * whoever must tell others that what they see may be stale.
   */
  default void onUnavailable(StoreUnavailableException cause) {}

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

  /** This listener, then {@code next}, for each batch, reset and outage. */
  default FeedListener andThen(FeedListener next) {
    FeedListener first = this;
    return new FeedListener() {
      @Override
      public void onBatch(EventBatch batch) {
        first.onBatch(batch);
        next.onBatch(batch);
      }

      @Override
      public void onReset(StoreReset reset) {
        first.onReset(reset);
        next.onReset(reset);
      }

      @Override
      public void onUnavailable(StoreUnavailableException cause) {
        first.onUnavailable(cause);
        next.onUnavailable(cause);
      }
    };
  }
}
