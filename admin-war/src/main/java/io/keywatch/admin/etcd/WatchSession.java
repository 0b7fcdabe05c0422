package io.keywatch.admin.etcd;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.keywatch.etcd.etcdserverpb.WatchCreateRequest;
import io.keywatch.etcd.etcdserverpb.WatchRequest;
import io.keywatch.etcd.etcdserverpb.WatchResponse;
import io.keywatch.etcd.mvccpb.Event;
import io.keywatch.kv.KvStore;
import io.keywatch.watch.Watch;
import io.keywatch.watch.WatchHub;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One etcd watch stream: many watches, each a {@link Watcher} on a thread of its own that polls a
 * hub {@link Watch}. Responses of all watches go out through {@link #send}, one at a time (a gRPC
 * stream is not thread-safe), with header revisions that never go backwards on the stream (a
 * compaction cancel carries none, as in etcd).
 *
 * <p>As in etcd 3.4: a create is answered with {@code created} before any event of that watch (ids
 * from 0 unless the client picks one; a taken id is answered created and canceled); a cancel of a
 * known watch with {@code canceled}; a progress request with watch id -1 and the revision up to
 * which every watch of the stream has been sent all its events.
 */
final class WatchSession implements StreamObserver<WatchRequest> {

  private static final String DUPLICATE_ID = "mvcc: duplicate watch ID provided on the WatchStream";

  private final WatchHub hub;
  private final KvStore store;
  private final EtcdMember member;
  private final ThreadFactory threads;
  private final Duration progressInterval;
  private final StreamObserver<WatchResponse> responses;

  /** Why every create on this stream is canceled (no valid token), or null. */
  private final WatchRefusal refusal;

  private final Consumer<WatchSession> onEnd;
  private final Map<Long, Watcher> watchers = new ConcurrentHashMap<>();

  /** Guarded by this (a create runs under it). */
  private long nextId;

  /**
   * Held while a response is written, and nothing else is waited for under it: the feed's thread
   * sends live batches through it ({@link Watcher#take}) while holding the feed's position, which a
   * create under this session's monitor waits for.
   */
  private final ReentrantLock out = new ReentrantLock();

  /** Guarded by {@link #out}. */
  private long headerRevision;

  /** Guarded by {@link #out}. */
  private boolean ended;

  WatchSession(
      WatchHub hub,
      KvStore store,
      EtcdMember member,
      ThreadFactory threads,
      Duration progressInterval,
      StreamObserver<WatchResponse> responses,
      WatchRefusal refusal,
      Consumer<WatchSession> onEnd) {
    this.hub = hub;
    this.store = store;
    this.member = member;
    this.threads = threads;
    this.progressInterval = progressInterval;
    this.responses = responses;
    this.refusal = refusal;
    this.onEnd = onEnd;
  }

  @Override
  public void onNext(WatchRequest request) {
    try {
      switch (request.getRequestUnionCase()) {
        case CREATE_REQUEST -> create(request.getCreateRequest());
        case CANCEL_REQUEST -> cancel(request.getCancelRequest().getWatchId());
        case PROGRESS_REQUEST -> progress();
        default -> {}
      }
    } catch (RuntimeException e) {
      fail(EtcdErrors.from(e).getStatus());
    }
  }

  private void create(WatchCreateRequest request) {
    long current = store.revisions().current();
    if (refusal != null) {
      long id = refusal.withoutId() ? -1 : request.getWatchId();
      send(
          response(id, current)
              .setCreated(true)
              .setCanceled(true)
              .setCancelReason(refusal.reason()));
      return;
    }
    long id;
    Watcher watcher;
    synchronized (this) {
      id = request.getWatchId() != 0 ? request.getWatchId() : freeId();
      if (watchers.containsKey(id)) {
        send(
            response(-1, current).setCreated(true).setCanceled(true).setCancelReason(DUPLICATE_ID));
        return;
      }
      // start_revision 0 is "now": every change after the current revision
      long after = request.getStartRevision() > 0 ? request.getStartRevision() - 1 : current;
      Watch watch =
          hub.watch(
              KeyRange.of(request.getKey(), request.getRangeEnd()).listPrefix().orElse("/"), after);
      watcher = new Watcher(id, request, watch, after, this, progressInterval);
      watchers.put(id, watcher);
      send(response(id, current).setCreated(true));
    }
    Thread thread = threads.newThread(watcher);
    thread.setName("keywatch-etcd-watch-" + id);
    watcher.start(thread);
  }

  private long freeId() {
    while (watchers.containsKey(nextId)) {
      nextId++;
    }
    return nextId++;
  }

  private void cancel(long id) {
    Watcher watcher = watchers.remove(id);
    if (watcher != null) {
      watcher.stop();
      send(response(id, store.revisions().current()).setCanceled(true));
    }
  }

  private void progress() {
    long upTo =
        watchers.values().stream()
            .mapToLong(Watcher::position)
            .min()
            .orElseGet(() -> store.revisions().current());
    send(response(-1, upTo));
  }

  /** A batch of one watch's events, all of revision at most {@code revision}. */
  void events(long id, List<Event> events, long revision) {
    send(response(id, revision).addAllEvents(events));
  }

  void progressNotify(long id, long revision) {
    send(response(id, revision));
  }

  /**
   * The watch must read history that is compacted: etcd cancels it and names the compaction, with
   * no revision in the header (etcd's watchable store makes this response without one).
   */
  void compacted(long id, long compactRevision) {
    if (watchers.remove(id) != null) {
      send(response(id, 0).setCanceled(true).setCompactRevision(compactRevision));
    }
  }

  /** The watch cannot go on (store reset, store lost): canceled with the reason. */
  void canceled(long id, String reason) {
    if (watchers.remove(id) != null) {
      send(response(id, store.revisions().current()).setCanceled(true).setCancelReason(reason));
    }
  }

  private WatchResponse.Builder response(long id, long revision) {
    return WatchResponse.newBuilder().setWatchId(id).setHeader(member.header(revision));
  }

  private void send(WatchResponse.Builder response) {
    out.lock();
    try {
      sendLocked(response);
    } finally {
      out.unlock();
    }
  }

  private void sendLocked(WatchResponse.Builder response) {
    if (ended) {
      return;
    }
    // 0 is "no revision given" (a compaction cancel), not a step back
    if (response.getHeader().getRevision() != 0) {
      headerRevision = Math.max(headerRevision, response.getHeader().getRevision());
      response.setHeader(response.getHeader().toBuilder().setRevision(headerRevision));
    }
    try {
      responses.onNext(response.build());
    } catch (RuntimeException clientGone) {
      ended = true;
      watchers.values().forEach(Watcher::stop);
      watchers.clear();
      onEnd.accept(this);
    }
  }

  @Override
  public void onError(Throwable t) {
    stopAll();
    out.lock();
    try {
      ended = true;
    } finally {
      out.unlock();
    }
  }

  @Override
  public void onCompleted() {
    end();
  }

  /** Ends the stream from the server's side (shutdown). */
  void end() {
    stopAll();
    out.lock();
    try {
      if (!ended) {
        ended = true;
        responses.onCompleted();
      }
    } finally {
      out.unlock();
    }
  }

  private void fail(Status status) {
    stopAll();
    out.lock();
    try {
      if (!ended) {
        ended = true;
        responses.onError(status.asRuntimeException());
      }
    } finally {
      out.unlock();
    }
  }

  private void stopAll() {
    out.lock();
    try {
      if (ended) {
        return;
      }
    } finally {
      out.unlock();
    }
    watchers.values().forEach(Watcher::stop);
    watchers.clear();
    onEnd.accept(this);
  }
}
