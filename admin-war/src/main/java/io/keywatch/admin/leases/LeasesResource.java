package io.keywatch.admin.leases;

import static io.keywatch.config.JsonSupport.JSON;

import io.keywatch.admin.kv.Bodies;
import io.keywatch.admin.kv.Flags;
import io.keywatch.admin.kv.KeyValueJson;
import io.keywatch.admin.kv.RevisionParams;
import io.keywatch.admin.problems.Problems;
import io.keywatch.kv.KvStore;
import io.keywatch.kv.Lease;
import io.keywatch.kv.LeaseStore;
import io.keywatch.kv.LeaseTimeToLive;
import io.keywatch.kv.Revocation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.net.URI;
import java.util.Set;
import org.eclipse.microprofile.metrics.annotation.Timed;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code /leases}: etcd's Lease service over HTTP, on the same store as the etcd API. Keys are
 * attached with {@code PUT /kv/{key}?lease=ID} or {@code PUT /routes/{id}?lease=ID}.
 */
@Path("leases")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(
    name = "leases",
    description =
        "Leases: keys that go when their lease expires or is revoked (etcd's Lease service)")
public class LeasesResource {

  /** A grant's body is a few bytes; anything bigger is not a grant. */
  private static final long MAX_BODY = 4096;

  @Inject LeaseStore leases;
  @Inject KvStore store;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Timed(name = "keywatch.admin.leases.grant", absolute = true, description = "POST /leases")
  @Operation(
      summary = "Grant a lease",
      description =
          "{\"ttl\": seconds, \"id\": n} (id optional: 0 or absent lets the server choose). A ttl below"
              + " keywatch.lease.min-ttl is raised to it, as etcd raises it to its minimum.")
  @APIResponse(responseCode = "201", description = "granted; Location is the lease")
  @APIResponse(responseCode = "400", description = "bad body, or a ttl above etcd's maximum")
  @APIResponse(responseCode = "409", description = "the id is taken")
  public Response grant(InputStream body) {
    JsonObject o = Bodies.object(Bodies.read(body, MAX_BODY));
    if (!o.containsKey("ttl") || !Set.of("ttl", "id").containsAll(o.keySet())) {
      throw Problems.invalidRequest(
              "the body must hold \"ttl\" (seconds) and may hold \"id\", found " + o.keySet())
          .exception();
    }
    long ttl = wholeNumber(o, "ttl");
    long id = o.containsKey("id") ? wholeNumber(o, "id") : 0;
    Lease lease = leases.grant(id, ttl);
    long revision = store.revisions().current();
    JsonObject answer =
        KeyValueJson.envelope(revision)
            .add("id", lease.id())
            .add("ttl", lease.ttl())
            .add("expiresAt", lease.expiresAt().toString())
            .build();
    return KeyValueJson.answer(201, answer, revision)
        .location(URI.create("leases/" + lease.id()))
        .build();
  }

  @GET
  @Operation(
      summary = "List the leases",
      description = "the ids of the leases not yet expired, soonest expiring first")
  public Response list() {
    long revision = store.revisions().current();
    var ids = JSON.createArrayBuilder();
    leases.leases().forEach(id -> ids.add(JSON.createObjectBuilder().add("id", id)));
    return KeyValueJson.answer(
            200, KeyValueJson.envelope(revision).add("leases", ids).build(), revision)
        .build();
  }

  @GET
  @Path("{id}")
  @Operation(
      summary = "A lease's time to live",
      description = "?keys=true lists the keys attached to it")
  @APIResponse(responseCode = "200", description = "grantedTtl and ttl (whole seconds left)")
  @APIResponse(
      responseCode = "404",
      description = "no such lease (never granted, revoked, or expired)")
  public Response timeToLive(@PathParam("id") String id, @QueryParam("keys") String keys) {
    boolean withKeys = Flags.flag("keys", keys);
    LeaseTimeToLive ttl = leases.timeToLive(leaseId(id), withKeys);
    long revision = store.revisions().current();
    var answer =
        KeyValueJson.envelope(revision)
            .add("id", ttl.id())
            .add("grantedTtl", ttl.grantedTtl())
            .add("ttl", ttl.ttl());
    if (withKeys) {
      var attached = JSON.createArrayBuilder();
      ttl.keys().forEach(attached::add);
      answer.add("keys", attached);
    }
    return KeyValueJson.answer(200, answer.build(), revision).build();
  }

  @PUT
  @Path("{id}/keepalive")
  @Timed(
      name = "keywatch.admin.leases.keepalive",
      absolute = true,
      description = "PUT /leases/{id}/keepalive")
  @Operation(
      summary = "Keep a lease alive",
      description = "it expires its ttl from now; any admin server may be asked")
  @APIResponse(responseCode = "200", description = "renewed; ttl is the seconds left")
  @APIResponse(responseCode = "404", description = "no such lease, or it has expired already")
  public Response keepAlive(@PathParam("id") String id) {
    long leaseId = leaseId(id);
    long ttl = leases.keepAlive(leaseId);
    long revision = store.revisions().current();
    return KeyValueJson.answer(
            200,
            KeyValueJson.envelope(revision).add("id", leaseId).add("ttl", ttl).build(),
            revision)
        .build();
  }

  @POST
  @Path("{id}/keepalive")
  @Operation(summary = "Keep a lease alive (as PUT)")
  public Response keepAlivePost(@PathParam("id") String id) {
    return keepAlive(id);
  }

  @DELETE
  @Path("{id}")
  @Timed(
      name = "keywatch.admin.leases.revoke",
      absolute = true,
      description = "DELETE /leases/{id}")
  @Operation(
      summary = "Revoke a lease",
      description =
          "deletes every key attached to it, as tombstones of one transaction with consecutive revisions")
  @APIResponse(responseCode = "200", description = "revoked; keys lists the keys deleted")
  @APIResponse(responseCode = "404", description = "no such lease")
  public Response revoke(@PathParam("id") String id) {
    long leaseId = leaseId(id);
    Revocation revoked = leases.revoke(leaseId);
    var keys = JSON.createArrayBuilder();
    revoked.deleted().forEach(d -> keys.add(d.tombstone().key()));
    JsonObject answer =
        KeyValueJson.envelope(revoked.revision())
            .add("id", leaseId)
            .add("deleted", revoked.deleted().size())
            .add("keys", keys)
            .build();
    return KeyValueJson.answer(200, answer, revoked.revision()).build();
  }

  private static long leaseId(String raw) {
    return RevisionParams.parse("lease id", raw, 1);
  }

  private static long wholeNumber(JsonObject o, String name) {
    return Bodies.wholeNumber(o.get(name), 0)
        .orElseThrow(
            () ->
                Problems.invalidRequest(
                        name + " must be a whole number of at least 0, not " + o.get(name))
                    .exception());
  }
}
