package io.keywatch.admin.watch;

import static io.keywatch.config.JsonSupport.JSON;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.keywatch.admin.kv.KeyValueJson;
import io.keywatch.admin.problems.Problem;
import io.keywatch.kv.KvEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObjectBuilder;
import java.lang.ref.WeakReference;
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

  private final AtomicReferenceArray<Frame> recent = new AtomicReferenceArray<>(SLOTS);
  private final AtomicReferenceArray<Frame> recentStored = new AtomicReferenceArray<>(SLOTS);

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

  /** {@code event: progress}, {@code data: {revision}}: nothing more under the prefix up to it. */
  static byte[] progress(long revision) {
    return frame(
        "progress",
        revision,
        JSON.createObjectBuilder().add("revision", revision).build().toString());
  }

  /** {@code event: error} with a problem document and no id: the stream ends after it. */
  static byte[] error(Problem p) {
    return ("event: error\ndata: " + p.toJson() + "\n\n").getBytes(UTF_8);
  }

  private static byte[] frame(String name, long id, String json) {
    return ("event: " + name + "\nid: " + id + "\ndata: " + json + "\n\n").getBytes(UTF_8);
  }
}
