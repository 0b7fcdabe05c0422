package io.keywatch.admin.routes;

import io.keywatch.admin.kv.Bodies;
import io.keywatch.admin.kv.KeyReads;
import io.keywatch.admin.kv.StoredObjects;
import io.keywatch.kv.KeyValue;
import io.keywatch.routes.InvalidRouteException;
import io.keywatch.routes.RouteCodec;
import io.keywatch.routes.Upstream;
import io.keywatch.routes.UpstreamCodec;
import io.keywatch.routes.UpstreamRef;
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
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.List;
import java.util.OptionalLong;
import org.eclipse.microprofile.metrics.annotation.Timed;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code /upstreams}: upstream objects that routes name by {@code upstream_id}, validated before
 * they are stored. As APISIX does, an upstream that a route still names cannot be deleted.
 */
@Path("upstreams")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "upstreams", description = "Upstream objects, as APISIX's Admin API serves them")
public class UpstreamsResource {

  private static final StoredObjects.Kind<Upstream> UPSTREAMS =
      StoredObjects.Kind.document(
          UpstreamCodec.PREFIX, Upstream::key, UpstreamCodec::parse, UpstreamCodec::toJson);

  @Inject StoredObjects objects;
  @Inject KeyReads reads;
  @Inject UpstreamGuard guard;

  @PUT
  @Path("{id}")
  @Consumes({MediaType.APPLICATION_JSON, Bodies.CURL_DEFAULT_TYPE})
  @Timed(
      name = "keywatch.admin.upstreams.put",
      absolute = true,
      description = "PUT /upstreams/{id}")
  @Operation(
      summary = "Create or replace an upstream",
      description =
          "{\"type\": \"roundrobin\" | \"chash\" | \"least_conn\", \"nodes\": {\"host:port\": weight},"
              + " \"retries\": 1, \"timeout\": {\"connect\": 1, \"send\": 5, \"read\": 5},"
              + " \"pass_host\": \"pass\" | \"node\" | \"rewrite\", \"checks\": {...}}."
              + " If-Match: <modRevision> replaces only that revision; If-None-Match: * only creates.")
  @APIResponse(responseCode = "201", description = "created")
  @APIResponse(responseCode = "200", description = "replaced; prevKv holds the old upstream")
  @APIResponse(
      responseCode = "400",
      description = "not a valid upstream; problems lists every reason; nothing was written")
  @APIResponse(
      responseCode = "412",
      description = "the upstream is not at the If-Match revision; nothing was written")
  public Response put(
      @PathParam("id") String id,
      @QueryParam("lease") String lease,
      @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
      @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch,
      InputStream body) {
    return objects.put(UPSTREAMS, id, lease, ifMatch, ifNoneMatch, body, guard::check);
  }

  @GET
  @Path("{id}")
  @Operation(summary = "Read an upstream", description = "?rev=N reads it as of revision N")
  @APIResponse(responseCode = "200", description = "the upstream, with ETag = its mod revision")
  @APIResponse(responseCode = "404", description = "no such upstream (at that revision)")
  public Response get(@PathParam("id") String id, @QueryParam("rev") String rev) {
    return objects.get(UPSTREAMS, id, rev);
  }

  @GET
  @Operation(summary = "List the upstreams", description = "?rev=N lists them as of revision N")
  public Response list(@QueryParam("rev") String rev) {
    return objects.list(UPSTREAMS, rev);
  }

  @DELETE
  @Path("{id}")
  @Timed(
      name = "keywatch.admin.upstreams.delete",
      absolute = true,
      description = "DELETE /upstreams/{id}")
  @Operation(
      summary = "Delete an upstream",
      description = "If-Match: <modRevision> deletes only that revision")
  @APIResponse(responseCode = "200", description = "deleted; prevKv holds the upstream")
  @APIResponse(
      responseCode = "400",
      description = "a route still names it by upstream_id; nothing was written")
  @APIResponse(responseCode = "404", description = "no such upstream; nothing was written")
  public Response delete(
      @PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
    return objects.delete(UPSTREAMS, id, ifMatch, this::refuseWhileNamed);
  }

  /** As APISIX: an upstream that a route still names cannot be deleted. */
  private void refuseWhileNamed(String id) {
    List<String> users =
        reads.list(RouteCodec.PREFIX, OptionalLong.empty()).kvs().stream()
            .filter(kv -> names(kv, id))
            .map(KeyValue::key)
            .toList();
    if (!users.isEmpty()) {
      throw new InvalidRouteException(
          "upstream deletion",
          List.of("upstream " + id + " is still named by upstream_id in " + users));
    }
  }

  @GET
  @Path("{id}/history")
  @Operation(summary = "An upstream's kept revisions, oldest first, deletions included")
  @APIResponse(responseCode = "404", description = "nothing kept for this id")
  public Response history(@PathParam("id") String id) {
    return objects.history(UPSTREAMS, id);
  }

  private static boolean names(KeyValue route, String id) {
    try {
      return RouteCodec.parse(route.value()).upstream() instanceof UpstreamRef.Id ref
          && ref.id().equals(id);
    } catch (InvalidRouteException unreadable) {
      return false;
    }
  }
}
