package io.keywatch.admin.etcd;

import io.grpc.stub.StreamObserver;
import io.keywatch.etcd.etcdserverpb.ClusterGrpc;
import io.keywatch.etcd.etcdserverpb.MemberListRequest;
import io.keywatch.etcd.etcdserverpb.MemberListResponse;

/**
 * etcd's Cluster.MemberList: this server alone. Adding or removing members is UNIMPLEMENTED. As in
 * etcd, the header carries no revision (membership is not part of the key space).
 */
final class ClusterService extends ClusterGrpc.ClusterImplBase {

  private final EtcdMember member;

  ClusterService(EtcdMember member) {
    this.member = member;
  }

  @Override
  public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> response) {
    KvService.answer(
        response,
        () ->
            MemberListResponse.newBuilder()
                .setHeader(member.header(0))
                .addMembers(member.member())
                .build());
  }
}
