package io.keywatch.admin.watch;

import io.keywatch.admin.auth.FeedCaller;
import io.keywatch.admin.kv.Flags;
import io.keywatch.admin.kv.KeyRules;
import io.keywatch.admin.kv.KeyValueJson;
import io.keywatch.admin.kv.RevisionParams;
import io.keywatch.kv.CompactedException;
import io.keywatch.kv.FutureRevisionException;
import io.keywatch.kv.KvStore;
import io.keywatch.kv.Revisions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.OptionalLong;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Starts a watch stream. Where it starts, in etcd's terms:
 *
 * <ul>
 *   <li>{@code Last-Event-ID: R} (a reconnect): after R, so nothing is sent twice or skipped;
 *   <li>else {@code ?rev=N}: at N inclusive (etcd's start_revision), i.e. after N - 1;
 *   <li>else: after the current revision, i.e. from now.
 * </ul>
 *
 * With {@code ?batches=true} a progress event follows each batch of changes, so that the changes
 * since the previous progress event are whole transactions: a gateway of the fan-out tier applies
 * them at once, as it applies a batch of its own feed. The answer names the store in {@value
 * #STORE_HEADER}, which a follower compares across reconnects, and its revision at the open in
 * {@code X-Keywatch-Revision}, which the stream catches up with first. A stream opened with the
 * feed key shows values as stored, an ssl object's private key included (the gateway's HTTPS
 * listener mirrors it); with the API key or a watch token, never.
 *
 * <p>Everything is checked before the stream opens, so a refusal is a plain problem answer: 410
 * when the start lies in compacted history, 400 when it lies in the future or a parameter is bad.
 * The request is suspended and its stream's thread answers it with a streaming body of Server-Sent
 * Events bytes, written straight to the server's output stream, rather than an {@code SseEventSink}
 * or a {@code ChunkedOutput}, which pass each write through Jersey's writers in a request scope
 * (see {@link WatchStream}).
 */
@Path("watch")
@ApplicationScoped
@Tag(name = "watch", description = "Changes as Server-Sent Events (etcd's Watch)")
public class WatchResource {

  public static final String STORE_HEADER = "X-Keywatch-Store-Id";

  @Inject KvStore store;
  @Inject WatchStreams streams;

  @GET
  @Produces(MediaType.SERVER_SENT_EVENTS)
  @Operation(
      summary = "Watch the changes under a prefix",
      description =
          "?prefix=/routes/ (default /), ?rev=N to start at revision N; Last-Event-ID resumes after that revision;"
              + " ?batches=true sends a progress event after each batch of changes (whole transactions)."
              + " Events: put/delete (id = revision, data = {type, kv, prevKv}), progress (id = revision, data = {revision}),"
              + " error (a problem document, then the stream ends)")
  @APIResponse(
      responseCode = "200",
      description = "the event stream",
      content =
          @Content(
              mediaType = MediaType.SERVER_SENT_EVENTS,
              schema = @Schema(type = SchemaType.STRING)))
  @APIResponse(
      responseCode = "410",
      description = "the start revision is compacted; read a snapshot and watch from its revision")
  public void watch(
      @QueryParam("prefix") String prefix,
      @QueryParam("rev") String rev,
      @QueryParam("batches") String batches,
      @HeaderParam("Last-Event-ID") String lastEventId,
      @Context SecurityContext caller,
      @Context HttpServletResponse servlet,
      @Suspended AsyncResponse async) {
    try {
      open(prefix, rev, batches, lastEventId, caller, servlet, async);
    } catch (RuntimeException e) {
      // a refusal is a plain problem answer, mapped as any other
      async.resume(e);
    }
  }

  private void open(
      String prefix,
      String rev,
      String batches,
      String lastEventId,
      SecurityContext caller,
      HttpServletResponse servlet,
      AsyncResponse async) {
    String watched = KeyRules.requirePrefix(prefix == null ? "/" : prefix);
    OptionalLong start = RevisionParams.rev(rev);
    boolean batchEnds = Flags.flag("batches", batches);
    Revisions store = this.store.revisions();
    long after;
    if (lastEventId != null) {
      after = RevisionParams.parse("Last-Event-ID", lastEventId, 0);
      if (after > store.current()) {
        throw new FutureRevisionException(after, store.current());
      }
    } else if (start.isPresent()) {
      after = start.getAsLong() - 1;
      if (after > store.current()) {
        throw new FutureRevisionException(start.getAsLong(), store.current());
      }
    } else {
      after = store.current();
    }
    if (after + 1 < store.compacted()) {
      throw new CompactedException(after + 1, store.compacted());
    }
    Response.ResponseBuilder head =
        Response.ok()
            .type(MediaType.SERVER_SENT_EVENTS_TYPE)
            .header(STORE_HEADER, store.storeId())
            .header(KeyValueJson.REVISION_HEADER, store.current());
    streams.open(
        watched,
        after,
        batchEnds,
        FeedCaller.is(caller),
        new WatchStream.Client(async, head, servlet));
  }
}
