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
import io.keywatch.etcd.etcdserverpb.RequestOp;
import io.keywatch.etcd.etcdserverpb.ResponseHeader;
import io.keywatch.etcd.etcdserverpb.ResponseOp;
import io.keywatch.etcd.etcdserverpb.TxnRequest;
import io.keywatch.etcd.etcdserverpb.TxnResponse;
import io.keywatch.kv.DeleteRangeResult;
import io.keywatch.kv.KeyValue;
import io.keywatch.kv.KvStore;
import io.keywatch.kv.PutResult;
import io.keywatch.kv.RangeResult;
import io.keywatch.kv.Revisions;
import io.keywatch.kv.TxnOpResult;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * etcd's KV service on {@link KvStore}'s etcd operations (range, deleteRange, txn), which filter,
 * sort, check and write as etcd does; this class only translates messages and errors.
 *
 * <p>A plain put, the hot path, holds no thread while it waits for its group commit: it is queued
 * from the event loop and answered by the thread that committed it (see {@link KvStore#putAsync}).
 * Its other calls block and run where the server runs them ({@link CallThreads}).
 */
final class KvService extends KVGrpc.KVImplBase {

  private static final Logger LOG = Logger.getLogger(KvService.class.getName());

  private final KvStore store;
  private final DocumentRules rules;
  private final EtcdMember member;
  private final Executor calls;

  /**
   * @param calls where a put's commit runs when none is under way, and a put that must read its key
   *     first (ignore_value, ignore_lease)
   */
  KvService(KvStore store, DocumentRules rules, EtcdMember member, Executor calls) {
    this.store = store;
    this.rules = rules;
    this.member = member;
    this.calls = calls;
  }

  @Override
  public void range(RangeRequest request, StreamObserver<RangeResponse> response) {
    answer(response, () -> range(request));
  }

  /** Called on the event loop ({@link CallThreads} leaves puts there): never blocks. */
  @Override
  public void put(PutRequest request, StreamObserver<PutResponse> response) {
    CompletableFuture<PutResult> written;
    try {
      io.keywatch.kv.TxnRequest.Put put = admitted(request);
      if (put.ignoreValue() || put.ignoreLease()) {
        calls.execute(() -> answer(response, () -> put(put, request)));
        return;
      }
      written = store.putAsync(put.key(), put.value(), put.lease(), calls);
    } catch (RuntimeException e) {
      response.onError(EtcdErrors.from(e));
      return;
    }
    written.whenComplete(
        (result, failure) -> {
          try {
            if (failure != null) {
              response.onError(EtcdErrors.from(unwrap(failure)));
            } else {
              response.onNext(putAnswer(result, request));
              response.onCompleted();
            }
          } catch (RuntimeException e) {
            // the committer answers many puts: one client gone must not keep the others waiting
            LOG.log(Level.FINE, "ETCD put not answered: " + e, e);
          }
        });
  }

  private static RuntimeException unwrap(Throwable failure) {
    Throwable cause = failure instanceof CompletionException c ? c.getCause() : failure;
    return cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
  }

  @Override
  public void deleteRange(
      DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> response) {
    answer(response, () -> deleteRange(request));
  }

  @Override
  public void txn(TxnRequest request, StreamObserver<TxnResponse> response) {
    answer(response, () -> txn(request));
  }

  @Override
  public void compact(CompactionRequest request, StreamObserver<CompactionResponse> response) {
    answer(response, () -> compact(request));
  }

  RangeResponse range(RangeRequest request) {
    RangeResult result = store.range(StoreRequests.range(request));
    return rangeResponse(result, request.getKeysOnly())
        .setHeader(member.header(result.revision()))
        .build();
  }

  PutResponse put(PutRequest request) {
    return put(admitted(request), request);
  }

  private PutResponse put(io.keywatch.kv.TxnRequest.Put put, PutRequest request) {
    PutResult result;
    if (put.ignoreValue() || put.ignoreLease()) {
      // the key must exist and keep its value or lease: the store checks and writes that in one txn
      result =
          (PutResult)
              store
                  .txn(new io.keywatch.kv.TxnRequest(List.of(), List.of(put), List.of()))
                  .responses()
                  .get(0);
    } else {
      result = store.put(put.key(), put.value(), put.lease());
    }
    return putAnswer(result, request);
  }

  private io.keywatch.kv.TxnRequest.Put admitted(PutRequest request) {
    io.keywatch.kv.TxnRequest.Put put = StoreRequests.put(request);
    rules.check(put);
    return put;
  }

  private PutResponse putAnswer(PutResult result, PutRequest request) {
    return putResponse(result, request.getPrevKv())
        .setHeader(member.header(result.revision()))
        .build();
  }

  DeleteRangeResponse deleteRange(DeleteRangeRequest request) {
    io.keywatch.kv.TxnRequest.DeleteRange delete = StoreRequests.deleteRange(request);
    DeleteRangeResult result =
        store.deleteRange(delete.range().key(), delete.range().rangeEnd(), delete.prevKv());
    return deleteResponse(result).setHeader(member.header(result.revision())).build();
  }

  TxnResponse txn(TxnRequest request) {
    io.keywatch.kv.TxnRequest txn = StoreRequests.txn(request);
    rules.check(txn);
    io.keywatch.kv.TxnResponse result = store.txn(txn);
    return txnResponse(result, request).setHeader(member.header(result.revision())).build();
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
    return CompactionResponse.newBuilder()
        .setHeader(member.header(store.revisions().current()))
        .build();
  }

  /**
   * etcd's TxnResponse. Only the outer header names the server: etcd gives the put and delete
   * responses inside a transaction a header with the transaction's revision alone, a range the
   * revision it read, and a nested transaction's response an empty header.
   */
  private TxnResponse.Builder txnResponse(io.keywatch.kv.TxnResponse result, TxnRequest request) {
    TxnResponse.Builder b = TxnResponse.newBuilder().setSucceeded(result.succeeded());
    List<RequestOp> ran = result.succeeded() ? request.getSuccessList() : request.getFailureList();
    for (int i = 0; i < result.responses().size(); i++) {
      b.addResponses(responseOp(result.responses().get(i), ran.get(i), result.revision()));
    }
    return b;
  }

  private ResponseOp responseOp(TxnOpResult r, RequestOp op, long revision) {
    ResponseHeader header = ResponseHeader.newBuilder().setRevision(revision).build();
    ResponseOp.Builder b = ResponseOp.newBuilder();
    if (r instanceof RangeResult range) {
      // a read's header is the revision it saw: before the transaction's writes that follow it
      b.setResponseRange(
          rangeResponse(range, op.getRequestRange().getKeysOnly())
              .setHeader(ResponseHeader.newBuilder().setRevision(range.revision())));
    } else if (r instanceof PutResult put) {
      b.setResponsePut(putResponse(put, op.getRequestPut().getPrevKv()).setHeader(header));
    } else if (r instanceof DeleteRangeResult delete) {
      b.setResponseDeleteRange(deleteResponse(delete).setHeader(header));
    } else if (r instanceof io.keywatch.kv.TxnResponse nested) {
      b.setResponseTxn(
          txnResponse(nested, op.getRequestTxn()).setHeader(ResponseHeader.getDefaultInstance()));
    }
    return b.build();
  }

  private static RangeResponse.Builder rangeResponse(RangeResult result, boolean keysOnly) {
    RangeResponse.Builder b =
        RangeResponse.newBuilder().setCount(result.count()).setMore(result.more());
    result.kvs().forEach(kv -> b.addKvs(EtcdMessages.kv(kv, keysOnly)));
    return b;
  }

  private static PutResponse.Builder putResponse(PutResult result, boolean prevKv) {
    PutResponse.Builder b = PutResponse.newBuilder();
    KeyValue previous = result.prevKv();
    if (prevKv && previous != null && !previous.isTombstone()) {
      b.setPrevKv(EtcdMessages.kv(previous, false));
    }
    return b;
  }

  private static DeleteRangeResponse.Builder deleteResponse(DeleteRangeResult result) {
    DeleteRangeResponse.Builder b = DeleteRangeResponse.newBuilder().setDeleted(result.deleted());
    result.prevKvs().forEach(kv -> b.addPrevKvs(EtcdMessages.kv(kv, false)));
    return b;
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
