package io.keywatch.admin.etcd;

import io.keywatch.etcd.etcdserverpb.RangeRequest;
import io.keywatch.etcd.etcdserverpb.RangeResponse;
import io.keywatch.kv.KeyValue;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * What etcd does to a range's keys after reading them (etcdserver's apply of Range), in its order:
 * count every key of the range; drop those outside min/max mod and create revision; sort (a sort
 * target other than the key sorts ascending when no order is given); cut at the limit, with
 * {@code more} when something was cut; keys_only drops values; count_only returns no keys.
 */
record RangeQuery(RangeRequest request) {

  static RangeQuery of(RangeRequest request) {
    return new RangeQuery(request);
  }

  RangeResponse.Builder answer(List<KeyValue> inKeyOrder) {
    RangeResponse.Builder b = RangeResponse.newBuilder().setCount(inKeyOrder.size());
    if (request.getCountOnly()) {
      return b;
    }
    List<KeyValue> kvs = inKeyOrder.stream().filter(revisionFilter()).sorted(order()).toList();
    if (request.getLimit() > 0 && kvs.size() > request.getLimit()) {
      kvs = kvs.subList(0, (int) request.getLimit());
      b.setMore(true);
    }
    kvs.forEach(kv -> b.addKvs(EtcdMessages.kv(kv, request.getKeysOnly())));
    return b;
  }

  private Predicate<KeyValue> revisionFilter() {
    return kv -> (request.getMinModRevision() == 0 || kv.modRevision() >= request.getMinModRevision())
        && (request.getMaxModRevision() == 0 || kv.modRevision() <= request.getMaxModRevision())
        && (request.getMinCreateRevision() == 0 || kv.createRevision() >= request.getMinCreateRevision())
        && (request.getMaxCreateRevision() == 0 || kv.createRevision() <= request.getMaxCreateRevision());
  }

  /** A stable sort, so that equal targets stay in key order as in etcd's insertion sort of small ranges. */
  private Comparator<KeyValue> order() {
    RangeRequest.SortOrder sortOrder = request.getSortOrder();
    if (sortOrder == RangeRequest.SortOrder.NONE && request.getSortTarget() != RangeRequest.SortTarget.KEY) {
      sortOrder = RangeRequest.SortOrder.ASCEND;
    }
    Comparator<KeyValue> byTarget = switch (request.getSortTarget()) {
      case VERSION -> Comparator.comparingLong(KeyValue::version);
      case CREATE -> Comparator.comparingLong(KeyValue::createRevision);
      case MOD -> Comparator.comparingLong(KeyValue::modRevision);
      case VALUE -> (a, b) -> Arrays.compareUnsigned(a.value(), b.value());
      default -> (a, b) -> Arrays.compareUnsigned(bytes(a), bytes(b));
    };
    return switch (sortOrder) {
      case ASCEND -> byTarget;
      case DESCEND -> byTarget.reversed();
      default -> (a, b) -> 0;
    };
  }

  private static byte[] bytes(KeyValue kv) {
    return kv.key().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
