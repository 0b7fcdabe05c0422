package io.keywatch.admin.etcd;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.keywatch.kv.CompactedException;
import io.keywatch.kv.FutureRevisionException;
import io.keywatch.kv.InvalidKeyException;
import io.keywatch.kv.InvalidRequestException;
import io.keywatch.kv.LeaseExistsException;
import io.keywatch.kv.LeaseNotFoundException;
import io.keywatch.kv.LeaseTtlTooLargeException;
import io.keywatch.kv.StoreUnavailableException;
import io.keywatch.kv.ValueTooLargeException;
import io.keywatch.routes.InvalidRouteException;
import io.keywatch.ssl.InvalidSslException;

/**
 * etcd's errors with etcd's gRPC status codes and messages (api/v3rpc/rpctypes/error.go): clients
 * such as etcdctl and jetcd recognise an error by its message, so the words must be etcd's.
 */
final class EtcdErrors {

  static final Status EMPTY_KEY =
      Status.INVALID_ARGUMENT.withDescription("etcdserver: key is not provided");
  static final Status COMPACTED =
      Status.OUT_OF_RANGE.withDescription("etcdserver: mvcc: required revision has been compacted");
  static final Status FUTURE_REV =
      Status.OUT_OF_RANGE.withDescription(
          "etcdserver: mvcc: required revision is a future revision");
  static final Status LEASE_NOT_FOUND =
      Status.NOT_FOUND.withDescription("etcdserver: requested lease not found");
  static final Status REQUEST_TOO_LARGE =
      Status.INVALID_ARGUMENT.withDescription("etcdserver: request is too large");
  static final Status USER_EMPTY =
      Status.INVALID_ARGUMENT.withDescription("etcdserver: user name is empty");
  static final Status AUTH_FAILED =
      Status.INVALID_ARGUMENT.withDescription(
          "etcdserver: authentication failed, invalid user ID or password");
  static final Status INVALID_AUTH_TOKEN =
      Status.UNAUTHENTICATED.withDescription("etcdserver: invalid auth token");

  private EtcdErrors() {}

  /**
   * The store's refusal as etcd would word it; what etcd has no word for keeps the store's message.
   */
  static StatusRuntimeException from(RuntimeException e) {
    if (e instanceof StatusRuntimeException s) {
      return s;
    }
    Status status;
    if (e instanceof CompactedException) {
      status = COMPACTED;
    } else if (e instanceof FutureRevisionException) {
      status = FUTURE_REV;
    } else if (e instanceof InvalidRequestException) {
      // the store's message is etcd's own
      status = Status.INVALID_ARGUMENT.withDescription(e.getMessage());
    } else if (e instanceof LeaseNotFoundException) {
      status = LEASE_NOT_FOUND;
    } else if (e instanceof LeaseExistsException) {
      status = Status.FAILED_PRECONDITION.withDescription(e.getMessage());
    } else if (e instanceof LeaseTtlTooLargeException) {
      status = Status.OUT_OF_RANGE.withDescription(e.getMessage());
    } else if (e instanceof ValueTooLargeException) {
      status = REQUEST_TOO_LARGE;
    } else if (e instanceof InvalidKeyException
        || e instanceof InvalidRouteException
        || e instanceof InvalidSslException) {
      // refusals etcd has no word for: etcd takes any bytes as a key, the store's keys are
      // narrower (see io.keywatch.kv.Keys); and a document the gateway could not serve (see
      // DocumentRules)
      status = Status.INVALID_ARGUMENT.withDescription("etcdserver: " + e.getMessage());
    } else if (e instanceof StoreUnavailableException) {
      status = Status.UNAVAILABLE.withDescription("etcdserver: " + e.getMessage());
    } else {
      status = Status.UNKNOWN.withDescription(e.toString());
    }
    return status.withCause(e).asRuntimeException();
  }
}
