package io.keywatch.admin.kv;

import io.keywatch.admin.problems.Problems;
import io.keywatch.admin.routes.UpstreamGuard;
import io.keywatch.config.Settings;
import io.keywatch.kv.KeyValue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.OptionalLong;
import org.eclipse.microprofile.metrics.annotation.Timed;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Any key: {@code /kv/upstreams/u1} is the key {@code /upstreams/u1}. Values are bytes: {@code PUT}
 * stores the body as sent, {@code GET} shows it base64 in JSON, or raw with {@code Accept:
 * application/octet-stream}. {@code ?prefix=true} lists the keys under the path, {@code
 * ?history=true} shows a key's kept rows.
 */
@Path("kv")
@ApplicationScoped
@Tag(name = "kv", description = "Generic keys and values (etcd's KV service)")
public class KvResource {

  @Inject KeyReads reads;
  @Inject KeyWrites writes;
  @Inject Settings settings;
  @Inject UpstreamGuard guard;

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "List every live key", description = "?rev=N lists them as of revision N")
  public Response listAll(@QueryParam("rev") String rev) {
    return KvAnswers.list(reads.list("/", RevisionParams.rev(rev)));
  }

  @GET
  @Path("{key: .+}")
  @Produces({MediaType.APPLICATION_JSON, MediaType.APPLICATION_OCTET_STREAM})
  @Operation(
      summary = "Read a key, list a prefix or show a key's history",
      description =
          "?rev=N reads as of revision N; ?prefix=true lists the live keys under the path (which may end with '/');"
              + " ?history=true lists the key's kept rows, tombstones included")
  @APIResponse(responseCode = "200", description = "the key, with ETag = its mod revision")
  @APIResponse(responseCode = "404", description = "no live key")
  @APIResponse(responseCode = "410", description = "the revision is compacted")
  public Response get(
      @PathParam("key") String path,
      @QueryParam("rev") String rev,
      @QueryParam("prefix") String prefix,
      @QueryParam("history") String history,
      @Context HttpHeaders headers) {
    String key = "/" + path;
    OptionalLong at = RevisionParams.rev(rev);
    boolean isPrefix = Flags.flag("prefix", prefix);
    boolean isHistory = Flags.flag("history", history);
    if (isPrefix && isHistory) {
      throw Problems.invalidRequest("ask for prefix or history, not both").exception();
    }
    if (isPrefix) {
      return KvAnswers.list(reads.list(KeyRules.requirePrefix(key), at));
    }
    KeyRules.requireKey(key);
    if (isHistory) {
      if (at.isPresent()) {
        throw Problems.invalidRequest("history shows every kept revision; it takes no rev")
            .exception();
      }
      return KvAnswers.history(key, reads.history(key));
    }
    KeyReads.One read = reads.get(key, at);
    if (wantsRaw(headers) && read.kv().isPresent()) {
      KeyValue kv = read.kv().get();
      return Response.ok(kv.value(), MediaType.APPLICATION_OCTET_STREAM_TYPE)
          .header(KeyValueJson.REVISION_HEADER, read.revision())
          .tag(KeyValueJson.etag(kv))
          .build();
    }
    return KvAnswers.get(key, read);
  }

  @PUT
  @Path("{key: .+}")
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  @Timed(name = "keywatch.admin.kv.put", absolute = true, description = "PUT /kv/{key}")
  @Operation(
      summary = "Put a value",
      description =
          "Stores the body as sent (a JSON body, by Content-Type, must be well-formed). If-Match: <modRevision>"
              + " puts only if the key is at that revision; If-None-Match: * only if it is absent. ?lease=ID attaches the key to a"
              + " lease (see /leases); a put without it detaches the key, as in etcd.")
  @APIResponse(responseCode = "201", description = "created")
  @APIResponse(responseCode = "200", description = "replaced; prevKv holds the old value")
  @APIResponse(responseCode = "404", description = "no such lease; nothing was written")
  @APIResponse(
      responseCode = "412",
      description = "the key is not at the If-Match revision; nothing was written")
  @APIResponse(responseCode = "413", description = "the value exceeds keywatch.value-limit")
  public Response put(
      @PathParam("key") String path,
      @QueryParam("lease") String lease,
      @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
      @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch,
      @Context HttpHeaders headers,
      InputStream body) {
    String key = KeyRules.requireKey("/" + path);
    Precondition condition = Precondition.of(ifMatch, ifNoneMatch);
    long leaseId = RevisionParams.lease(lease);
    byte[] value = Bodies.read(body, settings.valueLimit());
    MediaType type = headers.getMediaType();
    if (type != null
        && (type.isCompatible(MediaType.APPLICATION_JSON_TYPE)
            || type.getSubtype().endsWith("+json"))) {
      Bodies.value(value);
    }
    Values.Admitted admitted = Values.admit(key, value);
    guard.check(admitted);
    return KvAnswers.put(writes.put(key, admitted.stored(), condition, leaseId));
  }

  @DELETE
  @Path("{key: .+}")
  @Produces(MediaType.APPLICATION_JSON)
  @Timed(name = "keywatch.admin.kv.delete", absolute = true, description = "DELETE /kv/{key}")
  @Operation(
      summary = "Delete a key",
      description = "Writes a tombstone; If-Match: <modRevision> deletes only at that revision.")
  @APIResponse(responseCode = "200", description = "deleted; prevKv holds the value")
  @APIResponse(responseCode = "404", description = "no live key; nothing was written")
  @APIResponse(responseCode = "412", description = "the key is not at the If-Match revision")
  public Response delete(
      @PathParam("key") String path, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
    String key = KeyRules.requireKey("/" + path);
    return KvAnswers.delete(writes.delete(key, Precondition.ifMatch(ifMatch)));
  }

  /** Raw bytes only for a client that prefers them to JSON (a wildcard Accept gets JSON). */
  private static boolean wantsRaw(HttpHeaders headers) {
    for (MediaType t : headers.getAcceptableMediaTypes()) {
      if (t.isWildcardType() || t.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
        return false;
      }
      if (t.isCompatible(MediaType.APPLICATION_OCTET_STREAM_TYPE) && !t.isWildcardSubtype()) {
        return true;
      }
    }
    return false;
  }
}
