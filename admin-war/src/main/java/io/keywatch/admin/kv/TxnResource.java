package io.keywatch.admin.kv;

import io.keywatch.admin.config.AdminSettings;
import io.keywatch.admin.routes.UpstreamGuard;
import io.keywatch.kv.KvStore;
import io.keywatch.kv.TxnResult;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import org.eclipse.microprofile.metrics.annotation.Timed;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * etcd's Txn: compares on mod revisions, then the success or the failure operations, atomically.
 */
@Path("txn")
@ApplicationScoped
@Tag(name = "txn", description = "Atomic compare-and-swap over several keys (etcd's Txn)")
public class TxnResource {

  @Inject KvStore store;
  @Inject AdminSettings settings;
  @Inject UpstreamGuard guard;

  @POST
  @Consumes({MediaType.APPLICATION_JSON, Bodies.CURL_DEFAULT_TYPE})
  @Produces(MediaType.APPLICATION_JSON)
  @Timed(name = "keywatch.admin.txn", absolute = true, description = "POST /txn")
  @Operation(
      summary = "Run a transaction",
      description =
          "{compare:[{key, modRevision}], success:[{put:{key, value}} | {delete:{key}}], failure:[...]};"
              + " values are base64, route keys take their route object")
  @APIResponse(responseCode = "200", description = "ran; succeeded tells which branch")
  public Response txn(InputStream body) {
    TxnCodec.Parsed parsed =
        TxnCodec.parse(
            Bodies.object(Bodies.read(body, settings.txnMaxBytes())), settings.txnMaxOps());
    parsed.documents().forEach(guard::check);
    TxnResult result = store.txn(parsed.txn());
    return KeyValueJson.answer(200, TxnCodec.answer(parsed.txn(), result), result.revision())
        .build();
  }
}
