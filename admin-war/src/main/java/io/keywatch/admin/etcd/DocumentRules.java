package io.keywatch.admin.etcd;

import io.keywatch.admin.kv.Values;
import io.keywatch.admin.routes.UpstreamGuard;
import io.keywatch.kv.TxnOp;
import io.keywatch.kv.TxnRequest;

/**
 * The REST API's rules for the keys the gateway reads (routes, upstreams, ssl objects), applied to
 * the etcd API's puts: a document that does not parse, or a route that would open the admin server
 * through the gateway, is refused before anything is written, as {@code PUT /kv/routes/...} refuses
 * it. The value is stored as sent (etcd's get returns the bytes put); only the check is shared.
 */
final class DocumentRules {

  private final UpstreamGuard guard;

  DocumentRules(UpstreamGuard guard) {
    this.guard = guard;
  }

  /**
   * @throws io.keywatch.routes.InvalidRouteException for a route or upstream that breaks them
   * @throws io.keywatch.ssl.InvalidSslException for an ssl object that does
   */
  void check(TxnRequest.Put put) {
    if (!put.ignoreValue()) { // else the stored value stays, and it was checked
      guard.check(Values.admit(put.key(), put.value()));
    }
  }

  /** Every put of either branch, nested transactions' too: which branch runs is not known yet. */
  void check(TxnRequest txn) {
    check(txn.success());
    check(txn.failure());
  }

  private void check(Iterable<TxnOp> ops) {
    for (TxnOp op : ops) {
      if (op instanceof TxnRequest.Put put) {
        check(put);
      } else if (op instanceof TxnRequest nested) {
        check(nested);
      }
    }
  }
}
