package io.keywatch.admin.etcd;

import io.grpc.stub.StreamObserver;
import io.keywatch.etcd.etcdserverpb.WatchGrpc;
import io.keywatch.etcd.etcdserverpb.WatchRequest;
import io.keywatch.etcd.etcdserverpb.WatchResponse;
import io.keywatch.kv.KvStore;
import io.keywatch.watch.WatchHub;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;

/** etcd's Watch service: one {@link WatchSession} per stream; on shutdown each is ended. */
final class WatchService extends WatchGrpc.WatchImplBase {

  private final WatchHub hub;
  private final KvStore store;
  private final EtcdMember member;
  private final ThreadFactory threads;
  private final Duration progressInterval;
  private final Set<WatchSession> open = ConcurrentHashMap.newKeySet();

  WatchService(
      WatchHub hub,
      KvStore store,
      EtcdMember member,
      ThreadFactory threads,
      Duration progressInterval) {
    this.hub = hub;
    this.store = store;
    this.member = member;
    this.threads = threads;
    this.progressInterval = progressInterval;
  }

  @Override
  public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> responses) {
    return open(
        responses, Boolean.TRUE.equals(AuthCheck.AUTHENTICATED.get()) ? null : WatchRefusal.GRPC);
  }

  /**
   * A watch stream for any transport (the JSON gateway too); a refusal cancels every watch it
   * creates.
   */
  WatchSession open(StreamObserver<WatchResponse> responses, WatchRefusal refusal) {
    WatchSession session =
        new WatchSession(
            hub, store, member, threads, progressInterval, responses, refusal, open::remove);
    open.add(session);
    return session;
  }

  void closeAll() {
    open.forEach(WatchSession::end);
  }
}
