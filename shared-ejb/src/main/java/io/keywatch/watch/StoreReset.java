package io.keywatch.watch;

/**
 * The feed cannot continue from where it was: the store went backwards or was recreated (a restored
 * database), or the history it still had to read was compacted away. Whoever mirrors the store must
 * reload a full snapshot at {@code revision}, the store's revision that the feed goes on from.
 */
public record StoreReset(Reason reason, long previousRevision, long revision) {

  public enum Reason {
    STORE_RECREATED,
    REVISION_WENT_BACKWARDS,
    HISTORY_COMPACTED
  }
}
