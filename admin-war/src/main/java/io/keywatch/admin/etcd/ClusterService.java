package io.keywatch.admin.etcd;

import io.grpc.stub.StreamObserver;
import io.keywatch.etcd.etcdserverpb.ClusterGrpc;
import io.keywatch.etcd.etcdserverpb.MemberListRequest;
import io.keywatch.etcd.etcdserverpb.MemberListResponse;
import io.keywatch.kv.KvStore;

/** etcd's Cluster.MemberList: this server alone. Adding or removing members is UNIMPLEMENTED. */
final class ClusterService extends ClusterGrpc.ClusterImplBase {

  private final KvStore store;
  private final EtcdMember member;

  ClusterService(KvStore store, EtcdMember member) {
    this.store = store;
    this.member = member;
  }

  @Override
  public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> response) {
    KvService.answer(response, () -> MemberListResponse.newBuilder()
        .setHeader(member.header(store.revisions().current()))
        .addMembers(member.member())
        .build());
  }
}
