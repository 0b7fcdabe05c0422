package io.keywatch.watch;

import io.keywatch.kv.KvEvent;
import java.util.List;

/**
 * The changes with revisions in (after, revision], oldest first; never splits a transaction. Fired
 * as a CDI event by {@link WatchHub}. {@code events} may be filtered to a prefix, so it can be
 * empty while {@code revision} still advances (a progress notification).
 */
public record EventBatch(long after, long revision, List<KvEvent> events) {

  public EventBatch {
    events = List.copyOf(events);
  }

  public EventBatch filter(String prefix) {
    if (events.stream().allMatch(e -> e.key().startsWith(prefix))) {
      return this;
    }
    return new EventBatch(
        after, revision, events.stream().filter(e -> e.key().startsWith(prefix)).toList());
  }
}
