package io.keywatch.admin.compaction;

import io.keywatch.kv.KvStore;
import io.keywatch.kv.Revisions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.logging.Logger;

/** Compacts the store to a revision, or what was superseded longer ago than an age. */
@ApplicationScoped
public class Compactions {

  private static final Logger LOG = Logger.getLogger(Compactions.class.getName());

  @Inject KvStore store;

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
    LOG.info(
        () ->
            "COMPACT to revision "
                + revision
                + ": "
                + removed
                + " rows removed, compacted at "
                + after.compacted());
    return new Outcome(removed, after);
  }

  /** Compacts what was superseded before now minus {@code age}. */
  public Outcome olderThan(Duration age) {
    OptionalLong target = store.compactBefore(Instant.now().minus(age));
    Revisions after = store.revisions();
    // the schedule runs every minute: say something only when there was something to do
    target.ifPresent(
        t ->
            LOG.info(
                () ->
                    "COMPACT older than "
                        + age
                        + ": to revision "
                        + t
                        + ", compacted at "
                        + after.compacted()));
    return new Outcome(-1, after);
  }
}
