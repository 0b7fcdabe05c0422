package io.keywatch.admin.watch;

import static io.keywatch.config.JsonSupport.JSON;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.keywatch.admin.kv.KeyValueJson;
import io.keywatch.admin.problems.Problem;
import io.keywatch.kv.KvEvent;
import io.keywatch.watch.EventBatch;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObjectBuilder;
import java.io.ByteArrayOutputStream;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The watch streams' events as Server-Sent Events bytes: {@code event:}, {@code id:} (the
 * revision), one {@code data:} line (JSON-P writes no line breaks) and a blank line.
 *
 * <p>A change is formatted once for all streams: every synced watch receives the very same {@link
 * KvEvent} object from the feed, so its frame is kept beside a weak reference to that object in a
 * small ring indexed by revision. A change read from history is a new object and is formatted
 * again; large frames are not kept, so the ring stays small whatever the values. A stream opened
 * with the feed key shows values as stored (a gateway mirrors certificates' private keys too), so
 * its frames have a ring of their own: the key of a frame kept for one never reaches the other.
 */
@ApplicationScoped
public class EventFrames {

  private static final int SLOTS = 1024;
  private static final int LARGEST_KEPT = 16 * 1024;

  private record Frame(WeakReference<KvEvent> event, byte[] bytes) {}

  private record Progress(long revision, byte[] bytes) {}

  /** Compared by the identity of the events' list: the feed hands the same one to every watch. */
  private record Written(
      List<KvEvent> events, long revision, boolean asStored, boolean progressAfter, byte[] bytes) {}

  private final AtomicReferenceArray<Frame> recent = new AtomicReferenceArray<>(SLOTS);
  private final AtomicReferenceArray<Frame> recentStored = new AtomicReferenceArray<>(SLOTS);
  private volatile Progress lastProgress;
  private volatile Written lastWritten;

  /**
   * {@code event: put|delete}, {@code data: {type, kv, prevKv, txnRevision}} ({@code txnRevision}:
   * the first revision of the transaction that made the change). {@code asStored}: the values as
   * stored, for a stream opened with the feed key (see {@code Values#renderStored}).
   */
  byte[] change(KvEvent e, boolean asStored) {
    AtomicReferenceArray<Frame> ring = asStored ? recentStored : recent;
    int slot = (int) (e.revision() & (SLOTS - 1));
    Frame kept = ring.get(slot);
    if (kept != null && kept.event().get() == e) {
      return kept.bytes();
    }
    JsonObjectBuilder data =
        JSON.createObjectBuilder()
            .add("type", e.type().name())
            .add("kv", KeyValueJson.kv(e.kv(), asStored));
    KeyValueJson.withPrev(data, e.prevKv(), asStored);
    data.add("txnRevision", e.txnRevision());
    byte[] bytes =
        frame(e.type().name().toLowerCase(Locale.ROOT), e.revision(), data.build().toString());
    if (bytes.length <= LARGEST_KEPT) {
      ring.set(slot, new Frame(new WeakReference<>(e), bytes));
    }
    return bytes;
  }

  /**
   * A live batch's events as one array, followed by a progress event at the batch's revision if
   * {@code progressAfter}; null when that is larger than {@code limit} bytes. The last one is kept:
   * the feed's thread writes the very same batch to every stream that follows the whole store.
   */
  byte[] batch(EventBatch batch, boolean asStored, boolean progressAfter, int limit) {
    Written kept = lastWritten;
    List<KvEvent> events = batch.events();
    if (kept != null
        && kept.events() == events
        && kept.revision() == batch.revision()
        && kept.asStored() == asStored
        && kept.progressAfter() == progressAfter) {
      return kept.bytes();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (KvEvent e : events) {
      out.writeBytes(change(e, asStored));
      if (out.size() > limit) {
        return null;
      }
    }
    if (progressAfter) {
      out.writeBytes(progress(batch.revision()));
    }
    if (out.size() > limit) {
      return null;
    }
    byte[] bytes = out.toByteArray();
    lastWritten = new Written(events, batch.revision(), asStored, progressAfter, bytes);
    return bytes;
  }

  /**
   * {@code event: progress}, {@code data: {revision}}: nothing more under the prefix up to it. The
   * last one is kept: the streams that end each batch with one (the gateways') all need the same.
   */
  byte[] progress(long revision) {
    Progress kept = lastProgress;
    if (kept != null && kept.revision() == revision) {
      return kept.bytes();
    }
    byte[] bytes =
        frame(
            "progress",
            revision,
            JSON.createObjectBuilder().add("revision", revision).build().toString());
    lastProgress = new Progress(revision, bytes);
    return bytes;
  }

  /** {@code event: error} with a problem document and no id: the stream ends after it. */
  static byte[] error(Problem p) {
    return ("event: error\ndata: " + p.toJson() + "\n\n").getBytes(UTF_8);
  }

  private static byte[] frame(String name, long id, String json) {
    return ("event: " + name + "\nid: " + id + "\ndata: " + json + "\n\n").getBytes(UTF_8);
  }
}
