package io.keywatch.watch;

/**
 * The store a watch was following was reset (see {@link StoreReset}); start over from a snapshot.
 */
public class WatchResetException extends RuntimeException {

  private final StoreReset reset;

  public WatchResetException(StoreReset reset) {
    super(
        "the store was reset ("
            + reset.reason()
            + ") at revision "
            + reset.revision()
            + "; reload from a snapshot");
    this.reset = reset;
  }

  public StoreReset reset() {
    return reset;
  }
}
