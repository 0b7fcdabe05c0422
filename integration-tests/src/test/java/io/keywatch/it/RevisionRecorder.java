package io.keywatch.it;

import io.keywatch.watch.EventBatch;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;

/** Inside the server: the watch's CDI events as an observer receives them, in arrival order. */
@ApplicationScoped
public class RevisionRecorder {

  private final List<Long> revisions = new ArrayList<>();
  private final List<List<Long>> batches = new ArrayList<>();

  synchronized void onBatch(@Observes EventBatch batch) {
    List<Long> these = batch.events().stream().map(e -> e.revision()).toList();
    revisions.addAll(these);
    if (!these.isEmpty()) {
      batches.add(these);
    }
  }

  /** Every revision received, in the order received. */
  public synchronized List<Long> revisions() {
    return List.copyOf(revisions);
  }

  /** The revisions of each non-empty batch received. */
  public synchronized List<List<Long>> batches() {
    return List.copyOf(batches);
  }
}
