package io.keywatch.admin.etcd;

import io.grpc.stub.StreamObserver;
import io.keywatch.etcd.etcdserverpb.MaintenanceGrpc;
import io.keywatch.etcd.etcdserverpb.StatusRequest;
import io.keywatch.etcd.etcdserverpb.StatusResponse;
import io.keywatch.kv.KeyValue;
import io.keywatch.kv.KvStore;
import io.keywatch.kv.Range;

/**
 * etcd's Maintenance.Status. This member is its own leader; the raft indexes are the store
 * revision. The store reports no size of its own yet, so the database size is the bytes of the live
 * keys and values (it reads them all: phase 2 gives the store a size operation).
 */
final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {

  private final KvStore store;
  private final EtcdMember member;
  private final String version;

  MaintenanceService(KvStore store, EtcdMember member, String version) {
    this.store = store;
    this.member = member;
    this.version = version;
  }

  @Override
  public void status(StatusRequest request, StreamObserver<StatusResponse> response) {
    KvService.answer(
        response,
        () -> {
          Range all = store.list("/");
          long size = all.kvs().stream().mapToLong(MaintenanceService::bytes).sum();
          return StatusResponse.newBuilder()
              .setHeader(member.header(all.revision()))
              .setVersion(version)
              .setDbSize(size)
              .setDbSizeInUse(size)
              .setLeader(member.memberId())
              .setRaftIndex(all.revision())
              .setRaftAppliedIndex(all.revision())
              .setRaftTerm(EtcdMember.RAFT_TERM)
              .build();
        });
  }

  private static long bytes(KeyValue kv) {
    return kv.key().length() + (kv.value() == null ? 0 : kv.value().length);
  }
}
