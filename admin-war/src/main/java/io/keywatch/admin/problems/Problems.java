package io.keywatch.admin.problems;

import static io.keywatch.config.JsonSupport.JSON;

import io.keywatch.kv.CompactedException;
import io.keywatch.kv.FutureRevisionException;
import io.keywatch.kv.InvalidKeyException;
import io.keywatch.kv.KvException;
import io.keywatch.kv.LeaseExistsException;
import io.keywatch.kv.LeaseNotFoundException;
import io.keywatch.kv.LeaseStore;
import io.keywatch.kv.LeaseTtlTooLargeException;
import io.keywatch.kv.StoreUnavailableException;
import io.keywatch.kv.ValueTooLargeException;
import io.keywatch.routes.InvalidRouteException;
import io.keywatch.ssl.InvalidSslException;
import io.keywatch.watch.WatchResetException;
import jakarta.ejb.EJBException;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The kinds of problem the admin API reports, and the one mapping from exceptions to them that both
 * the HTTP answers and the watch stream's error events use.
 */
public final class Problems {

  private static final Logger LOG = Logger.getLogger(Problems.class.getName());
  private static final String TYPE = "urn:keywatch:problem:";

  private Problems() {}

  /** A request that is malformed or breaks a rule (bad JSON, wrong type, bad parameter). */
  public static Problem invalidRequest(String detail) {
    return new Problem(TYPE + "invalid-request", "Invalid request", 400, detail);
  }

  /** Like {@link #invalidRequest(String)}, listing every problem found. */
  public static Problem invalidRequest(String detail, List<String> problems) {
    return invalidRequest(detail).with("problems", array(problems));
  }

  public static Problem notFound(String key, long revision) {
    return new Problem(
            TYPE + "not-found",
            "Key not found",
            404,
            "no live key " + key + " at revision " + revision)
        .with("key", key)
        .with("revision", revision);
  }

  /** etcd's "requested lease not found": never granted, revoked, or expired. */
  public static Problem leaseNotFound(long id) {
    return new Problem(
            TYPE + "lease-not-found",
            "Lease not found",
            404,
            "no lease " + id + " (never granted, revoked, or expired)")
        .with("lease", id);
  }

  public static Problem preconditionFailed(String key, long expected, long actual) {
    String now = actual == 0 ? "absent" : "at mod revision " + actual;
    String wanted = expected == 0 ? "absent" : "at mod revision " + expected;
    return new Problem(
            TYPE + "precondition-failed",
            "Precondition failed",
            412,
            "key "
                + key
                + " is "
                + now
                + ", the request required it "
                + wanted
                + "; nothing was written")
        .with("key", key)
        .with("modRevision", actual);
  }

  public static Problem bodyTooLarge(long limit) {
    return new Problem(
            TYPE + "value-too-large",
            "Value too large",
            413,
            "the request body exceeds the limit of " + limit + " bytes")
        .with("limit", limit);
  }

  public static Problem unauthorized(String detail) {
    return new Problem(TYPE + "unauthorized", "Unauthorized", 401, detail);
  }

  public static Problem forbidden(String detail) {
    return new Problem(TYPE + "forbidden", "Forbidden", 403, detail);
  }

  public static Problem tooManyWatchers(int limit) {
    return new Problem(
            TYPE + "too-many-watchers",
            "Too many watchers",
            503,
            "this server already streams to "
                + limit
                + " watchers (keywatch.watch.max-clients); try again later")
        .with("limit", limit);
  }

  public static Problem stopping() {
    return new Problem(
        TYPE + "server-stopping",
        "Server stopping",
        503,
        "the server is stopping; reconnect with Last-Event-ID to resume");
  }

  /**
   * The problem an exception stands for; unexpected ones are logged and reported without detail.
   */
  public static Problem from(Throwable t) {
    if (t instanceof EJBException e && e.getCause() != null) {
      return from(e.getCause());
    }
    if (t instanceof ProblemException e) {
      return e.problem();
    }
    if (t instanceof CompactedException e) {
      return new Problem(TYPE + "compacted", "Revision compacted", 410, e.getMessage())
          .with("requestedRevision", e.requested())
          .with("compactRevision", e.compacted());
    }
    if (t instanceof FutureRevisionException e) {
      return new Problem(TYPE + "future-revision", "Future revision", 400, e.getMessage())
          .with("requestedRevision", e.requested())
          .with("currentRevision", e.current());
    }
    if (t instanceof ValueTooLargeException e) {
      return new Problem(TYPE + "value-too-large", "Value too large", 413, e.getMessage())
          .with("size", e.size())
          .with("limit", e.limit());
    }
    if (t instanceof InvalidKeyException e) {
      return new Problem(TYPE + "invalid-key", "Invalid key", 400, e.getMessage());
    }
    if (t instanceof InvalidRouteException e) {
      return new Problem(TYPE + "invalid-" + e.kind(), "Invalid " + e.kind(), 400, e.getMessage())
          .with("problems", array(e.problems()));
    }
    if (t instanceof InvalidSslException e) {
      return new Problem(TYPE + "invalid-ssl", "Invalid ssl", 400, e.getMessage())
          .with("problems", array(e.problems()));
    }
    if (t instanceof LeaseNotFoundException e) {
      return leaseNotFound(e.id());
    }
    if (t instanceof LeaseExistsException e) {
      return new Problem(
              TYPE + "lease-exists",
              "Lease exists",
              409,
              "lease " + e.id() + " exists already; nothing was granted")
          .with("lease", e.id());
    }
    if (t instanceof LeaseTtlTooLargeException e) {
      return invalidRequest(
              "ttl "
                  + e.ttl()
                  + " exceeds etcd's largest lease TTL of "
                  + LeaseStore.MAX_TTL
                  + " seconds")
          .with("maxTtl", LeaseStore.MAX_TTL);
    }
    if (t instanceof KvException e) {
      return invalidRequest(e.getMessage());
    }
    if (t instanceof WatchResetException e) {
      return new Problem(TYPE + "store-reset", "Store reset", 410, e.getMessage())
          .with("reason", e.reset().reason().name())
          .with("revision", e.reset().revision());
    }
    if (t instanceof StoreUnavailableException e) {
      LOG.warning(() -> "UNAVAILABLE " + e.getMessage());
      return new Problem(
          TYPE + "store-unavailable",
          "Store unavailable",
          503,
          "the store's database cannot be reached; whether a write took effect is unknown, read before retrying");
    }
    if (t instanceof WebApplicationException e) {
      Response.StatusType s = e.getResponse().getStatusInfo();
      return new Problem("about:blank", s.getReasonPhrase(), s.getStatusCode(), jaxRsDetail(e));
    }
    LOG.log(Level.SEVERE, "UNEXPECTED " + t, t);
    return new Problem(
        TYPE + "internal-error",
        "Internal error",
        500,
        "an unexpected error occurred; see the server log");
  }

  /**
   * JAX-RS's messages are short and safe (e.g. "HTTP 405 Method Not Allowed"); say what to do where
   * it helps.
   */
  private static String jaxRsDetail(WebApplicationException e) {
    return switch (e.getResponse().getStatus()) {
      case 404 -> "no such resource; see the API reference at /openapi";
      case 405 -> "method not allowed here; allowed: " + e.getResponse().getAllowedMethods();
      case 415 -> "unsupported Content-Type; send Content-Type: application/json";
      case 406 ->
          "cannot answer in any of the accepted media types; this API answers application/json";
      default -> e.getMessage();
    };
  }

  private static JsonArray array(List<String> items) {
    JsonArrayBuilder a = JSON.createArrayBuilder();
    items.forEach(a::add);
    return a.build();
  }
}
