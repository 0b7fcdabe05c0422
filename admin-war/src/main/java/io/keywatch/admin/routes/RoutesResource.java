package io.keywatch.admin.routes;

import io.keywatch.admin.kv.Bodies;
import io.keywatch.admin.kv.KeyReads;
import io.keywatch.admin.kv.StoredObjects;
import io.keywatch.routes.InvalidRouteException;
import io.keywatch.routes.Route;
import io.keywatch.routes.RouteCodec;
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

/** {@code /routes}: the proxy's routes, validated before they are stored. */
@Path("routes")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "routes", description = "The gateway's routes, as APISIX's Admin API serves them")
public class RoutesResource {

  private static final StoredObjects.Kind<Route> ROUTES =
      StoredObjects.Kind.document(
          RouteCodec.PREFIX, Route::key, RouteCodec::parse, RouteCodec::toJson);

  @Inject StoredObjects objects;
  @Inject KeyReads reads;
  @Inject UpstreamGuard guard;

  @PUT
  @Path("{id}")
  @Consumes({MediaType.APPLICATION_JSON, Bodies.CURL_DEFAULT_TYPE})
  @Timed(name = "keywatch.admin.routes.put", absolute = true, description = "PUT /routes/{id}")
  @Operation(
      summary = "Create or replace a route",
      description =
          "{\"uri\": \"/get\" or \"/api/*\" (or \"uris\": [...]), \"upstream\": \"http://host:port\" or an"
              + " upstream object, or \"upstream_id\": \"u1\", \"methods\": [\"GET\"], \"host\": \"a.example\""
              + " or \"*.example.com\" (or \"hosts\": [...]), \"timeout\": 5, \"priority\": 0, \"plugins\":"
              + " {\"proxy-rewrite\": {\"uri\": \"/new\" or \"regex_uri\": [\"^/api/(.*)\", \"/$1\"], \"host\":"
              + " \"b.example\"}}}. If-Match: <modRevision> replaces only that revision; If-None-Match: * only creates."
              + " ?lease=ID attaches the route to a lease: it goes when the lease expires or is revoked.")
  @APIResponse(responseCode = "201", description = "created")
  @APIResponse(responseCode = "200", description = "replaced; prevKv holds the old route")
  @APIResponse(
      responseCode = "400",
      description =
          "not a valid route, or one to this admin server or a link-local address;"
              + " problems lists every reason")
  @APIResponse(responseCode = "404", description = "no such lease; nothing was written")
  @APIResponse(
      responseCode = "412",
      description = "the route is not at the If-Match revision; nothing was written")
  public Response put(
      @PathParam("id") String id,
      @QueryParam("lease") String lease,
      @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
      @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch,
      InputStream body) {
    return objects.put(ROUTES, id, lease, ifMatch, ifNoneMatch, body, this::admit);
  }

  /** The guard's rules, and as APISIX: a route may only name an upstream that exists. */
  private void admit(Route route) {
    guard.check(route);
    if (route.upstream() instanceof UpstreamRef.Id ref
        && reads.get(ref.key(), OptionalLong.empty()).kv().isEmpty()) {
      throw new InvalidRouteException(
          List.of("upstream_id " + ref.id() + ": no upstream is stored under " + ref.key()));
    }
  }

  @GET
  @Path("{id}")
  @Operation(summary = "Read a route", description = "?rev=N reads it as of revision N")
  @APIResponse(responseCode = "200", description = "the route, with ETag = its mod revision")
  @APIResponse(responseCode = "404", description = "no such route (at that revision)")
  @APIResponse(responseCode = "410", description = "the revision is compacted")
  public Response get(@PathParam("id") String id, @QueryParam("rev") String rev) {
    return objects.get(ROUTES, id, rev);
  }

  @GET
  @Operation(summary = "List the routes", description = "?rev=N lists them as of revision N")
  public Response list(@QueryParam("rev") String rev) {
    return objects.list(ROUTES, rev);
  }

  @DELETE
  @Path("{id}")
  @Timed(
      name = "keywatch.admin.routes.delete",
      absolute = true,
      description = "DELETE /routes/{id}")
  @Operation(
      summary = "Delete a route",
      description = "If-Match: <modRevision> deletes only that revision")
  @APIResponse(responseCode = "200", description = "deleted; prevKv holds the route")
  @APIResponse(responseCode = "404", description = "no such route; nothing was written")
  public Response delete(
      @PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
    return objects.delete(ROUTES, id, ifMatch);
  }

  @GET
  @Path("{id}/history")
  @Operation(summary = "A route's kept revisions, oldest first, deletions included")
  @APIResponse(responseCode = "404", description = "nothing kept for this id")
  public Response history(@PathParam("id") String id) {
    return objects.history(ROUTES, id);
  }
}
