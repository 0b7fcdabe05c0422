package io.keywatch.admin.compaction;

import io.keywatch.kv.KvStore;
import io.keywatch.kv.Revisions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.logging.Logger;

/** Compacts the store to a revision, or what was superseded longer ago than an age. */
@ApplicationScoped
public class Compactions {

  private static final Logger LOG = Logger.getLogger(Compactions.class.getName());

  @Inject KvStore store;

  /** Time comes from a clock, so a test sets it instead of waiting. */
  private Clock clock = Clock.systemUTC();

  /** For CDI. */
  Compactions() {}

  Compactions(KvStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** What compaction did: rows removed (-1 when not known) and where the store stands after it. */
  public record Outcome(long removed, Revisions after) {}

  /**
   * Compacts to {@code revision}; one at or below the compacted revision changes nothing.
   *
   * @throws io.keywatch.kv.FutureRevisionException if it is above the current revision
   */
  public Outcome toRevision(long revision) {
    long removed = store.compact(revision);
    Revisions after = store.revisions();
    LOG.info(() -> "COMPACT to revision " + revision + ": " + removed + " rows removed, compacted at " + after.compacted());
    return new Outcome(removed, after);
  }

  /** Compacts what was superseded before now minus {@code age}. */
  public Outcome olderThan(Duration age) {
    var target = store.compactBefore(clock.instant().minus(age));
    Revisions after = store.revisions();
    LOG.info(() -> "COMPACT older than " + age + ": " + (target.isPresent() ? "to revision " + target.getAsLong() : "nothing that old")
        + ", compacted at " + after.compacted());
    return new Outcome(-1, after);
  }
}
