package io.keywatch.admin.etcd;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.keywatch.etcd.etcdserverpb.LeaseGrantRequest;
import io.keywatch.etcd.etcdserverpb.LeaseGrantResponse;
import io.keywatch.etcd.etcdserverpb.LeaseGrpc;
import io.keywatch.etcd.etcdserverpb.LeaseKeepAliveRequest;
import io.keywatch.etcd.etcdserverpb.LeaseKeepAliveResponse;
import io.keywatch.etcd.etcdserverpb.LeaseLeasesRequest;
import io.keywatch.etcd.etcdserverpb.LeaseLeasesResponse;
import io.keywatch.etcd.etcdserverpb.LeaseRevokeRequest;
import io.keywatch.etcd.etcdserverpb.LeaseRevokeResponse;
import io.keywatch.etcd.etcdserverpb.LeaseStatus;
import io.keywatch.etcd.etcdserverpb.LeaseTimeToLiveRequest;
import io.keywatch.etcd.etcdserverpb.LeaseTimeToLiveResponse;
import io.keywatch.kv.KvStore;
import io.keywatch.kv.Lease;
import io.keywatch.kv.LeaseNotFoundException;
import io.keywatch.kv.LeaseStore;
import io.keywatch.kv.LeaseTimeToLive;
import io.keywatch.kv.Revocation;

/**
 * etcd's Lease service on {@link LeaseStore}. Two answers of etcd's are not errors: a keep-alive of
 * a lease that does not exist answers TTL 0, and its time-to-live answers TTL -1 (etcd's
 * v3rpc/lease.go), which etcdctl prints as "already expired".
 */
final class LeaseService extends LeaseGrpc.LeaseImplBase {

  private final LeaseStore leases;
  private final KvStore store;
  private final EtcdMember member;

  LeaseService(LeaseStore leases, KvStore store, EtcdMember member) {
    this.leases = leases;
    this.store = store;
    this.member = member;
  }

  @Override
  public void leaseGrant(LeaseGrantRequest request, StreamObserver<LeaseGrantResponse> response) {
    KvService.answer(response, () -> grant(request));
  }

  @Override
  public void leaseRevoke(
      LeaseRevokeRequest request, StreamObserver<LeaseRevokeResponse> response) {
    KvService.answer(response, () -> revoke(request));
  }

  @Override
  public void leaseTimeToLive(
      LeaseTimeToLiveRequest request, StreamObserver<LeaseTimeToLiveResponse> response) {
    KvService.answer(response, () -> timeToLive(request));
  }

  @Override
  public void leaseLeases(
      LeaseLeasesRequest request, StreamObserver<LeaseLeasesResponse> response) {
    KvService.answer(response, () -> leases(request));
  }

  @Override
  public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(
      StreamObserver<LeaseKeepAliveResponse> response) {
    return new StreamObserver<>() {
      @Override
      public void onNext(LeaseKeepAliveRequest request) {
        LeaseKeepAliveResponse answer;
        try {
          answer = keepAlive(request);
        } catch (RuntimeException e) {
          response.onError(EtcdErrors.from(e));
          return;
        }
        synchronized (response) {
          response.onNext(answer);
        }
      }

      @Override
      public void onError(Throwable t) {
        // the client went away; nothing is held for the stream
      }

      @Override
      public void onCompleted() {
        synchronized (response) {
          response.onCompleted();
        }
      }
    };
  }

  LeaseGrantResponse grant(LeaseGrantRequest request) {
    Lease lease = leases.grant(request.getID(), request.getTTL());
    return LeaseGrantResponse.newBuilder()
        .setHeader(member.header(store.revisions().current()))
        .setID(lease.id())
        .setTTL(lease.ttl())
        .build();
  }

  LeaseRevokeResponse revoke(LeaseRevokeRequest request) {
    Revocation revocation = leases.revoke(request.getID());
    return LeaseRevokeResponse.newBuilder().setHeader(member.header(revocation.revision())).build();
  }

  LeaseKeepAliveResponse keepAlive(LeaseKeepAliveRequest request) {
    long ttl;
    try {
      ttl = leases.keepAlive(request.getID());
    } catch (LeaseNotFoundException e) {
      ttl = 0;
    }
    return LeaseKeepAliveResponse.newBuilder()
        .setHeader(member.header(store.revisions().current()))
        .setID(request.getID())
        .setTTL(ttl)
        .build();
  }

  LeaseTimeToLiveResponse timeToLive(LeaseTimeToLiveRequest request) {
    LeaseTimeToLiveResponse.Builder b = LeaseTimeToLiveResponse.newBuilder().setID(request.getID());
    try {
      LeaseTimeToLive t = leases.timeToLive(request.getID(), request.getKeys());
      b.setTTL(t.ttl()).setGrantedTTL(t.grantedTtl());
      t.keys().forEach(k -> b.addKeys(ByteString.copyFromUtf8(k)));
    } catch (LeaseNotFoundException e) {
      b.setTTL(-1);
    }
    return b.setHeader(member.header(store.revisions().current())).build();
  }

  LeaseLeasesResponse leases(LeaseLeasesRequest request) {
    LeaseLeasesResponse.Builder b = LeaseLeasesResponse.newBuilder();
    leases.leases().forEach(id -> b.addLeases(LeaseStatus.newBuilder().setID(id)));
    return b.setHeader(member.header(store.revisions().current())).build();
  }
}
