package io.keywatch.watch;

import java.time.Instant;

/**
 * What the feed reports about itself: whether its LISTEN connection is up, the last revision it
 * delivered, the store's revision at its last poll, when that poll was, and how often it
 * reconnected.
 */
public record FeedState(
    boolean connected,
    long revision,
    long storeRevision,
    Instant lastPoll,
    long reconnects,
    String lastError) {

  public long lag() {
    return Math.max(0, storeRevision - revision);
  }
}
