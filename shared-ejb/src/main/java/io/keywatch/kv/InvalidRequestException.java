package io.keywatch.kv;

/**
 * A request etcd refuses before it reads or writes anything; the message is etcd's own (its gRPC
 * layer answers every one of them with INVALID_ARGUMENT). A put's unknown lease is {@link
 * LeaseNotFoundException}, as for a put outside a transaction.
 */
public class InvalidRequestException extends KvException {

  public enum Reason {
    EMPTY_KEY("etcdserver: key is not provided"),
    TOO_MANY_OPS("etcdserver: too many operations in txn request"),
    DUPLICATE_KEY("etcdserver: duplicate key given in txn request"),
    KEY_NOT_FOUND("etcdserver: key not found"),
    VALUE_PROVIDED("etcdserver: value is provided"),
    LEASE_PROVIDED("etcdserver: lease is provided");

    private final String message;

    Reason(String message) {
      this.message = message;
    }
  }

  private final Reason reason;

  public InvalidRequestException(Reason reason) {
    super(reason.message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
