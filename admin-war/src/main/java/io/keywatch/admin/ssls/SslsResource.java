package io.keywatch.admin.ssls;

import io.keywatch.admin.auth.FeedCaller;
import io.keywatch.admin.kv.Bodies;
import io.keywatch.admin.kv.StoredObjects;
import io.keywatch.ssl.Ssl;
import io.keywatch.ssl.SslCodec;
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
import jakarta.ws.rs.core.SecurityContext;
import java.io.InputStream;
import org.eclipse.microprofile.metrics.annotation.Timed;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code /ssls}: the certificates of the gateway's HTTPS listener, chosen by the server name a
 * client asks for. Every answer shows an ssl object without its key (see {@code Values}), but the
 * list to the feed key: that is the full read of a gateway's HTTPS listener, which must have the
 * keys (the watch stream shows them to the feed key too).
 */
@Path("ssls")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "ssls", description = "The gateway's certificates, as APISIX's Admin API serves them")
public class SslsResource {

  /** Shown back rendered: never with the private key that is stored. */
  private static final StoredObjects.Kind<Ssl> SSLS =
      StoredObjects.Kind.rendered(SslCodec.PREFIX, Ssl::key, SslCodec::parse, SslCodec::toBytes);

  @Inject StoredObjects objects;

  @PUT
  @Path("{id}")
  @Consumes({MediaType.APPLICATION_JSON, Bodies.CURL_DEFAULT_TYPE})
  @Timed(name = "keywatch.admin.ssls.put", absolute = true, description = "PUT /ssls/{id}")
  @Operation(
      summary = "Create or replace a certificate",
      description =
          "{\"cert\": \"<PEM chain, certificate first>\", \"key\": \"<PEM private key>\", \"snis\": [\"a.example\","
              + " \"*.example.com\"]}. The key must be the certificate's; it is stored, never shown back."
              + " If-Match: <modRevision> replaces only that revision; If-None-Match: * only creates.")
  @APIResponse(responseCode = "201", description = "created")
  @APIResponse(responseCode = "200", description = "replaced")
  @APIResponse(
      responseCode = "400",
      description =
          "cert or key does not parse, or the key is not the certificate's; problems lists every reason")
  @APIResponse(
      responseCode = "412",
      description = "the ssl object is not at the If-Match revision; nothing was written")
  public Response put(
      @PathParam("id") String id,
      @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
      @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch,
      InputStream body) {
    // no ?lease= on /ssls (null: none, as before); parsing checks that the key fits the cert
    return objects.put(SSLS, id, null, ifMatch, ifNoneMatch, body, ssl -> {});
  }

  @GET
  @Path("{id}")
  @Operation(
      summary = "Read a certificate, without its key",
      description = "?rev=N reads it as of revision N")
  @APIResponse(responseCode = "200", description = "the ssl object, with ETag = its mod revision")
  @APIResponse(responseCode = "404", description = "no such ssl object (at that revision)")
  public Response get(@PathParam("id") String id, @QueryParam("rev") String rev) {
    return objects.get(SSLS, id, rev);
  }

  @GET
  @Operation(
      summary = "List the certificates, without their keys",
      description =
          "?rev=N lists them as of revision N. Only the feed key (a gateway of the fan-out tier)"
              + " is shown the keys")
  public Response list(@QueryParam("rev") String rev, @Context SecurityContext caller) {
    return objects.list(SSLS, rev, FeedCaller.is(caller));
  }

  @DELETE
  @Path("{id}")
  @Timed(name = "keywatch.admin.ssls.delete", absolute = true, description = "DELETE /ssls/{id}")
  @Operation(
      summary = "Delete a certificate",
      description = "If-Match: <modRevision> deletes only that revision")
  @APIResponse(responseCode = "200", description = "deleted")
  @APIResponse(responseCode = "404", description = "no such ssl object; nothing was written")
  public Response delete(
      @PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
    return objects.delete(SSLS, id, ifMatch);
  }
}
