package io.keywatch.proxy.feed;

import static io.keywatch.config.JsonSupport.JSON;

import io.keywatch.kv.ChangeLog;
import io.keywatch.kv.Changes;
import io.keywatch.kv.KvEvent;
import io.keywatch.kv.Revisions;
import io.keywatch.kv.StoreUnavailableException;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * The store's log as an admin server's watch stream shows it: {@code GET
 * /watch?prefix=/&batches=true}, every change of the store, with a progress event after each batch.
 * The changes up to a progress event are whole transactions; that revision is what a follower
 * reports as the store's current one, so the feed never delivers half a transaction.
 *
 * <p>Reading {@code changesAfter(R)} opens the stream with {@code Last-Event-ID: R} (unless the
 * open one already covers it) and waits until it has caught up with the revision the admin answered
 * with ({@code X-Keywatch-Revision}). So the feed reads the row at its own position again after
 * every reconnect, from the admin's table, and a restore of the store shows as it does on the
 * database. Afterwards the changes are only read from the socket, in {@link Follower#awaitWrite},
 * on the feed's own thread: no hand-off. The admin's refusals stand for what the database would
 * have shown: 400 (a revision in the future) for a store that went backwards, 410 for compacted
 * history.
 */
final class AdminStreamLog implements ChangeLog {

  static final String PATH = "/watch?prefix=/&batches=true";
  static final String STORE_HEADER = "X-Keywatch-Store-Id";
  static final String REVISION_HEADER = "X-Keywatch-Revision";

  private final Admins admins;

  /** The store's id as an admin last named it; an admin's refusal does not name it. */
  private volatile UUID storeId;

  AdminStreamLog(Admins admins) {
    this.admins = admins;
  }

  @Override
  public Follower follow() {
    return new StreamFollower();
  }

  /** One stream at a time; all but {@link #close} on the feed's thread. */
  private final class StreamFollower implements Follower {

    /** Written on the feed's thread, read by {@link #close} from any. */
    private volatile HttpURLConnection connection;

    private SseReader reader;

    /** The open stream delivers every change after this revision; -1: none open. */
    private long streamAfter = -1;

    /** The last batch end read: the changes up to it are in {@link #complete}. */
    private long end;

    private final ArrayDeque<KvEvent> complete = new ArrayDeque<>();

    /** Changes read after {@link #end}, waiting for their batch's end. */
    private final List<KvEvent> partial = new ArrayList<>();

    /** Why the open stream cannot go on; thrown by the next call. */
    private StoreUnavailableException broken;

    private volatile boolean closed;

    @Override
    public Revisions revisions() {
      failIfBroken();
      if (streamAfter < 0) {
        open(OptionalLong.empty());
      }
      return new Revisions(storeId, end, 0);
    }

    @Override
    public Changes changesAfter(long revision, int limit) {
      failIfBroken();
      if (streamAfter < 0 || revision < streamAfter) {
        Changes refused = open(OptionalLong.of(revision));
        if (refused != null) {
          return refused;
        }
      }
      while (!complete.isEmpty() && complete.peekFirst().revision() <= revision) {
        complete.removeFirst();
      }
      return new Changes(new Revisions(storeId, end, 0), List.copyOf(complete));
    }

    @Override
    public void awaitWrite(Duration timeout) {
      if (broken != null || streamAfter < 0) {
        return;
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      long before = end;
      try {
        // a quiet stream still sends progress every few seconds; a silent one times out
        while (end == before && System.nanoTime() < deadline && broken == null) {
          read();
        }
      } catch (IOException | RuntimeException e) {
        fail("the watch stream of " + admins + " failed: " + e, e);
      }
    }

    /**
     * Opens the stream after {@code after} (empty: from now) and reads it up to the admin's
     * revision at the open. Returns null, or what a refusal stands for.
     */
    private Changes open(OptionalLong after) {
      closeConnection();
      complete.clear();
      partial.clear();
      broken = null;
      HttpURLConnection c =
          admins.get(
              PATH,
              after.isPresent()
                  ? Map.of("Last-Event-ID", Long.toString(after.getAsLong()))
                  : Map.of());
      try {
        int status = c.getResponseCode();
        if (status != 200) {
          return refused(status, body(c.getErrorStream()));
        }
        storeId = UUID.fromString(c.getHeaderField(STORE_HEADER));
        long atOpen = Long.parseLong(c.getHeaderField(REVISION_HEADER));
        connection = c;
        reader = new SseReader(c.getInputStream());
        streamAfter = after.orElse(atOpen);
        end = streamAfter;
        while (end < atOpen) {
          read();
          failIfBroken();
        }
        return null;
      } catch (IOException | RuntimeException e) {
        c.disconnect();
        if (e instanceof StoreUnavailableException u) {
          throw u;
        }
        throw new StoreUnavailableException(
            "cannot open the watch stream of " + admins + ": " + e, e);
      }
    }

    /** What a refused open stands for (the connection is done with), or a failure. */
    private Changes refused(int status, String body) {
      connection = null;
      streamAfter = -1;
      JsonObject problem;
      try {
        problem = JSON.createReader(new StringReader(body)).readObject();
      } catch (RuntimeException notJson) {
        // a server that is no admin, or one whose admin application is not deployed yet
        throw new StoreUnavailableException(
            "the admin server answered the watch with " + status + " and no problem document",
            null);
      }
      String type = problem.getString("type", "");
      if (status == 410 && type.endsWith(":compacted")) {
        long compacted = problem.getJsonNumber("compactRevision").longValue();
        open(OptionalLong.empty());
        return new Changes(new Revisions(storeId, end, compacted), List.of());
      }
      if (status == 400 && type.endsWith(":future-revision")) {
        long current = problem.getJsonNumber("currentRevision").longValue();
        return new Changes(new Revisions(storeId, current, 0), List.of());
      }
      throw new StoreUnavailableException(
          "the admin server refused the watch with " + status + ": " + body, null);
    }

    /** Reads one frame into the buffers. */
    private void read() throws IOException {
      SseReader.Frame f = reader.next();
      switch (f.event()) {
        case "put", "delete" -> partial.add(EventJson.event(json(f.data())));
        case "progress" -> {
          complete.addAll(partial);
          partial.clear();
          end = Math.max(end, Long.parseLong(f.id()));
        }
        case "error" -> {
          // the admin lost its database, or its store was reset: follow again, and see
          fail("the admin server ended the watch: " + f.data(), null);
        }
        default -> {
          // no other event is sent
        }
      }
    }

    private void fail(String why, Throwable cause) {
      if (broken == null) {
        broken = new StoreUnavailableException(why, cause);
      }
      closeConnection();
    }

    private void failIfBroken() {
      if (closed) {
        throw new StoreUnavailableException("the follower is closed", null);
      }
      if (broken != null) {
        throw broken;
      }
    }

    private void closeConnection() {
      HttpURLConnection c = connection;
      connection = null;
      streamAfter = -1;
      if (c != null) {
        c.disconnect();
      }
    }

    @Override
    public void close() {
      closed = true;
      HttpURLConnection c = connection;
      if (c != null) {
        c.disconnect();
      }
    }
  }

  private static JsonObject json(String data) {
    return JSON.createReader(new StringReader(data)).readObject();
  }

  private static String body(InputStream in) throws IOException {
    if (in == null) {
      return "";
    }
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
