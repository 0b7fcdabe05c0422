package io.keywatch.watch;

/**
 * The feed cannot continue from where it was: the store went backwards, was recreated, or had its
 * history rewritten (a restored database), or the history it still had to read was compacted away.
 * Whoever mirrors the store must reload a full snapshot at {@code revision}, the store's revision
 * that the feed goes on from.
 */
public record StoreReset(Reason reason, long previousRevision, long revision) {

  public enum Reason {
    STORE_RECREATED,
    REVISION_WENT_BACKWARDS,
    HISTORY_COMPACTED,
    /**
     * The row at the feed's position is no longer the one it delivered: a restore, same store id.
     */
    HISTORY_REWRITTEN
  }
}
