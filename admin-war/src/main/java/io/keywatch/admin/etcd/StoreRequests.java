package io.keywatch.admin.etcd;

import io.keywatch.etcd.etcdserverpb.Compare;
import io.keywatch.etcd.etcdserverpb.DeleteRangeRequest;
import io.keywatch.etcd.etcdserverpb.PutRequest;
import io.keywatch.etcd.etcdserverpb.RangeRequest;
import io.keywatch.etcd.etcdserverpb.RequestOp;
import io.keywatch.kv.KeyRange;
import io.keywatch.kv.RangeQuery;
import io.keywatch.kv.TxnOp;
import io.keywatch.kv.TxnRequest;
import java.util.List;

/** etcd's request messages as the store's requests; the store checks them as etcd does. */
final class StoreRequests {

  private StoreRequests() {}

  static RangeQuery range(RangeRequest r) {
    return new RangeQuery(
        KeyRange.ofBytes(r.getKey().toByteArray(), r.getRangeEnd().toByteArray()),
        r.getRevision(),
        r.getLimit(),
        r.getCountOnly(),
        r.getKeysOnly(),
        RangeQuery.SortOrder.values()[
            Math.max(0, r.getSortOrderValue()) % RangeQuery.SortOrder.values().length],
        RangeQuery.SortTarget.values()[
            Math.max(0, r.getSortTargetValue()) % RangeQuery.SortTarget.values().length],
        r.getMinModRevision(),
        r.getMaxModRevision(),
        r.getMinCreateRevision(),
        r.getMaxCreateRevision());
  }

  static TxnRequest.Put put(PutRequest r) {
    return new TxnRequest.Put(
        writableKey(r.getKey().toByteArray()),
        r.getValue().toByteArray(),
        r.getLease(),
        r.getPrevKv(),
        r.getIgnoreValue(),
        r.getIgnoreLease());
  }

  static TxnRequest.DeleteRange deleteRange(DeleteRangeRequest r) {
    return new TxnRequest.DeleteRange(
        KeyRange.ofBytes(r.getKey().toByteArray(), r.getRangeEnd().toByteArray()), r.getPrevKv());
  }

  static TxnRequest txn(io.keywatch.etcd.etcdserverpb.TxnRequest r) {
    return new TxnRequest(
        r.getCompareList().stream().map(StoreRequests::compare).toList(),
        ops(r.getSuccessList()),
        ops(r.getFailureList()));
  }

  private static List<TxnOp> ops(List<RequestOp> ops) {
    return ops.stream().map(StoreRequests::op).toList();
  }

  private static TxnOp op(RequestOp op) {
    return switch (op.getRequestCase()) {
      case REQUEST_RANGE -> range(op.getRequestRange());
      case REQUEST_PUT -> put(op.getRequestPut());
      case REQUEST_DELETE_RANGE -> deleteRange(op.getRequestDeleteRange());
      case REQUEST_TXN -> txn(op.getRequestTxn());
      // an op without a request has no key: refused before anything runs
      default -> throw EtcdErrors.EMPTY_KEY.asRuntimeException();
    };
  }

  private static TxnRequest.Compare compare(Compare c) {
    KeyRange range = KeyRange.ofBytes(c.getKey().toByteArray(), c.getRangeEnd().toByteArray());
    TxnRequest.Compare.Result result =
        TxnRequest.Compare.Result.values()[Math.max(0, c.getResultValue()) % 4];
    return switch (c.getTarget()) {
      case VALUE -> TxnRequest.Compare.value(range, result, c.getValue().toByteArray());
      case CREATE ->
          TxnRequest.Compare.number(
              range, TxnRequest.Compare.Target.CREATE, result, c.getCreateRevision());
      case MOD ->
          TxnRequest.Compare.number(
              range, TxnRequest.Compare.Target.MOD, result, c.getModRevision());
      case LEASE ->
          TxnRequest.Compare.number(range, TxnRequest.Compare.Target.LEASE, result, c.getLease());
      default ->
          TxnRequest.Compare.number(
              range, TxnRequest.Compare.Target.VERSION, result, c.getVersion());
    };
  }

  /** A key to write: the store keeps keys as UTF-8 strings, so other bytes cannot be one. */
  static String writableKey(byte[] key) {
    if (key.length == 0) {
      throw EtcdErrors.EMPTY_KEY.asRuntimeException();
    }
    return io.keywatch.admin.etcd.KeyRange.decode(key)
        .orElseThrow(
            () ->
                io.grpc.Status.INVALID_ARGUMENT
                    .withDescription("etcdserver: key is not valid UTF-8")
                    .asRuntimeException());
  }
}
