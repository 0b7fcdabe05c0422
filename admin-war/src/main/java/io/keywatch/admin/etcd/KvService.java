package io.keywatch.admin.etcd;

import io.grpc.stub.StreamObserver;
import io.keywatch.etcd.etcdserverpb.CompactionRequest;
import io.keywatch.etcd.etcdserverpb.CompactionResponse;
import io.keywatch.etcd.etcdserverpb.DeleteRangeRequest;
import io.keywatch.etcd.etcdserverpb.DeleteRangeResponse;
import io.keywatch.etcd.etcdserverpb.KVGrpc;
import io.keywatch.etcd.etcdserverpb.PutRequest;
import io.keywatch.etcd.etcdserverpb.PutResponse;
import io.keywatch.etcd.etcdserverpb.RangeRequest;
import io.keywatch.etcd.etcdserverpb.RangeResponse;
import io.keywatch.kv.DeleteResult;
import io.keywatch.kv.KeyValue;
import io.keywatch.kv.KvEvent;
import io.keywatch.kv.KvStore;
import io.keywatch.kv.PutResult;
import io.keywatch.kv.Revisions;
import io.keywatch.kv.Txn;
import io.keywatch.kv.TxnResult;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * etcd's KV service on {@link KvStore}: Range, Put, DeleteRange and Compact. Txn is not here yet
 * (UNIMPLEMENTED): the store's transaction compares only mod revisions.
 */
final class KvService extends KVGrpc.KVImplBase {

  /** How often a range delete or an ignore_value put retries when a key changed under it. */
  private static final int CONFLICT_RETRIES = 100;

  private final KvStore store;
  private final EtcdMember member;

  KvService(KvStore store, EtcdMember member) {
    this.store = store;
    this.member = member;
  }

  @Override
  public void range(RangeRequest request, StreamObserver<RangeResponse> response) {
    answer(response, () -> range(request));
  }

  @Override
  public void put(PutRequest request, StreamObserver<PutResponse> response) {
    answer(response, () -> put(request));
  }

  @Override
  public void deleteRange(DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> response) {
    answer(response, () -> deleteRange(request));
  }

  @Override
  public void compact(CompactionRequest request, StreamObserver<CompactionResponse> response) {
    answer(response, () -> compact(request));
  }

  RangeResponse range(RangeRequest request) {
    if (request.getKey().isEmpty()) {
      throw EtcdErrors.EMPTY_KEY.asRuntimeException();
    }
    Snapshot snapshot = read(KeyRange.of(request.getKey(), request.getRangeEnd()), request.getRevision());
    return RangeQuery.of(request).answer(snapshot.kvs()).setHeader(member.header(snapshot.headerRevision())).build();
  }

  /** The range's live keys in key order, and the revision the response header must carry. */
  private record Snapshot(List<KeyValue> kvs, long headerRevision) {}

  private Snapshot read(KeyRange range, long revision) {
    boolean latest = revision <= 0;
    if (range.isSingleKey()) {
      // the header must be the revision the value was read at: read at a revision known first
      long current = store.revisions().current();
      long at = latest ? current : revision;
      Optional<KeyValue> kv = range.singleKey().flatMap(k -> store.get(k, at));
      return new Snapshot(kv.stream().toList(), latest ? current : store.revisions().current());
    }
    Optional<String> prefix = range.listPrefix();
    if (prefix.isEmpty()) {
      return new Snapshot(List.of(), store.revisions().current());
    }
    io.keywatch.kv.Range listed = latest ? store.list(prefix.get()) : store.list(prefix.get(), revision);
    List<KeyValue> kvs = listed.kvs().stream().filter(kv -> range.contains(kv.key())).toList();
    return new Snapshot(kvs, latest ? listed.revision() : store.revisions().current());
  }

  PutResponse put(PutRequest request) {
    if (request.getKey().isEmpty()) {
      throw EtcdErrors.EMPTY_KEY.asRuntimeException();
    }
    if (request.getIgnoreValue() && !request.getValue().isEmpty()) {
      throw EtcdErrors.VALUE_PROVIDED.asRuntimeException();
    }
    if (request.getIgnoreLease() && request.getLease() != 0) {
      throw EtcdErrors.LEASE_PROVIDED.asRuntimeException();
    }
    if (request.getLease() != 0) {
      // the store has no leases yet, so no lease id names one
      throw EtcdErrors.LEASE_NOT_FOUND.asRuntimeException();
    }
    String key = writableKey(request.getKey().toByteArray());
    KeyValue written;
    KeyValue previous;
    if (request.getIgnoreValue() || request.getIgnoreLease()) {
      KvEvent e = putOverExisting(key, request.getIgnoreValue() ? null : request.getValue().toByteArray());
      written = e.kv();
      previous = e.prevKv();
    } else {
      PutResult result = store.put(key, request.getValue().toByteArray());
      written = result.kv();
      previous = result.prevKv();
    }
    PutResponse.Builder b = PutResponse.newBuilder().setHeader(member.header(written.modRevision()));
    if (request.getPrevKv() && previous != null && !previous.isTombstone()) {
      b.setPrevKv(EtcdMessages.kv(previous, false));
    }
    return b.build();
  }

  /** A put that needs the key to exist (ignore_value, ignore_lease), checked in one transaction. */
  private KvEvent putOverExisting(String key, byte[] value) {
    for (int attempt = 0; attempt < CONFLICT_RETRIES; attempt++) {
      KeyValue current = store.get(key).orElseThrow(EtcdErrors.KEY_NOT_FOUND::asRuntimeException);
      TxnResult result = store.txn(new Txn(
          List.of(new Txn.Compare(key, current.modRevision())),
          List.of(new Txn.Put(key, value == null ? current.value() : value)),
          List.of()));
      if (result.succeeded()) {
        return result.events().get(0);
      }
    }
    throw EtcdErrors.TIMEOUT.asRuntimeException();
  }

  DeleteRangeResponse deleteRange(DeleteRangeRequest request) {
    if (request.getKey().isEmpty()) {
      throw EtcdErrors.EMPTY_KEY.asRuntimeException();
    }
    KeyRange range = KeyRange.of(request.getKey(), request.getRangeEnd());
    DeleteRangeResponse.Builder b = DeleteRangeResponse.newBuilder();
    List<KeyValue> deleted;
    long revision;
    if (range.isSingleKey()) {
      Optional<DeleteResult> result = range.singleKey().flatMap(store::delete);
      deleted = result.map(DeleteResult::prevKv).stream().toList();
      revision = result.map(DeleteResult::revision).orElseGet(() -> store.revisions().current());
    } else {
      TxnResult result = deleteAll(range);
      deleted = result.events().stream().map(KvEvent::prevKv).toList();
      revision = result.revision();
    }
    b.setHeader(member.header(revision)).setDeleted(deleted.size());
    if (request.getPrevKv()) {
      deleted.forEach(kv -> b.addPrevKvs(EtcdMessages.kv(kv, false)));
    }
    return b.build();
  }

  /**
   * Deletes the keys of a range in one transaction. The store deletes only named keys, so this lists
   * them and deletes them on the condition that none changed since; a conflict lists again. A key
   * created in the range between the list and the transaction survives it (phase 2: a range
   * delete in the store).
   */
  private TxnResult deleteAll(KeyRange range) {
    Optional<String> prefix = range.listPrefix();
    for (int attempt = 0; attempt < CONFLICT_RETRIES; attempt++) {
      if (prefix.isEmpty()) {
        return new TxnResult(true, store.revisions().current(), List.of());
      }
      io.keywatch.kv.Range listed = store.list(prefix.get());
      List<KeyValue> kvs = listed.kvs().stream().filter(kv -> range.contains(kv.key())).toList();
      if (kvs.isEmpty()) {
        return new TxnResult(true, listed.revision(), List.of());
      }
      TxnResult result = store.txn(new Txn(
          kvs.stream().map(kv -> new Txn.Compare(kv.key(), kv.modRevision())).toList(),
          kvs.stream().<Txn.Op>map(kv -> new Txn.Delete(kv.key())).toList(),
          List.of()));
      if (result.succeeded()) {
        return result;
      }
    }
    throw EtcdErrors.TIMEOUT.asRuntimeException();
  }

  CompactionResponse compact(CompactionRequest request) {
    Revisions revisions = store.revisions();
    if (request.getRevision() > revisions.current()) {
      throw EtcdErrors.FUTURE_REV.asRuntimeException();
    }
    if (request.getRevision() <= revisions.compacted()) {
      throw EtcdErrors.COMPACTED.asRuntimeException();
    }
    store.compact(request.getRevision());
    return CompactionResponse.newBuilder().setHeader(member.header(store.revisions().current())).build();
  }

  private static String writableKey(byte[] key) {
    return KeyRange.decode(key).orElseThrow(
        () -> io.grpc.Status.INVALID_ARGUMENT.withDescription("etcdserver: key is not valid UTF-8").asRuntimeException());
  }

  /** Runs a unary call, turning the store's exceptions into etcd's statuses. */
  static <T> void answer(StreamObserver<T> response, Supplier<T> call) {
    T answer;
    try {
      answer = call.get();
    } catch (RuntimeException e) {
      response.onError(EtcdErrors.from(e));
      return;
    }
    response.onNext(answer);
    response.onCompleted();
  }
}
