package io.keywatch.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.Response;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.DeleteResponse;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.PutResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.support.CloseableClient;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.grpc.stub.StreamObserver;
import io.keywatch.testing.Keywatch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * The jetcd 0.8 sessions of {@link EtcdDifferentialIT}, run on one store at a time. Each returns
 * the answers as text with revisions relative to the store's revision when the session began
 * ({@code base}) and without what names the server (cluster and member ids, lease ids: etcd picks
 * random ones), so that the two stores' lists compare equal.
 */
public final class JetcdSessions {

  private final Client client;
  private final long base;
  private final List<String> answers = new ArrayList<>();

  private JetcdSessions(Client client, long base) {
    this.client = client;
    this.base = base;
  }

  /** A jetcd client of the store at {@code endpoint} (host:port), as root with this password. */
  public static Client connect(String endpoint, String password) {
    return Client.builder()
        .endpoints("http://" + endpoint)
        .user(bytes("root"))
        .password(bytes(password))
        .build();
  }

  /**
   * KV: puts with prev_kv, gets by key, prefix, range and from a key with limit, sort, keys_only,
   * count_only, revision and the revision filters, deletes with prev_kv, a txn, and a future
   * revision's refusal.
   */
  static List<String> kv(Client client, long base) throws InterruptedException {
    JetcdSessions s = new JetcdSessions(client, base);
    KV kv = client.getKVClient();
    String p = "/s21/";
    s.call(kv.put(bytes(p + "a"), bytes("1")), s::put);
    s.call(kv.put(bytes(p + "b"), bytes("2")), s::put);
    s.call(kv.put(bytes(p + "c"), bytes("3")), s::put);
    s.call(kv.put(bytes(p + "a"), bytes("11"), PutOption.builder().withPrevKV().build()), s::put);
    s.call(kv.put(bytes(p + "d"), bytes("4"), PutOption.builder().withPrevKV().build()), s::put);
    s.call(kv.get(bytes(p + "a")), s::get);
    s.call(kv.get(bytes(p + "missing")), s::get);
    s.call(kv.get(bytes(p), GetOption.builder().isPrefix(true).build()), s::get);
    s.call(kv.get(bytes(p), GetOption.builder().isPrefix(true).withLimit(2).build()), s::get);
    s.call(
        kv.get(
            bytes(p),
            GetOption.builder()
                .isPrefix(true)
                .withSortField(GetOption.SortTarget.MOD)
                .withSortOrder(GetOption.SortOrder.DESCEND)
                .build()),
        s::get);
    s.call(
        kv.get(
            bytes(p),
            GetOption.builder()
                .isPrefix(true)
                .withSortField(GetOption.SortTarget.VALUE)
                .withSortOrder(GetOption.SortOrder.ASCEND)
                .withKeysOnly(true)
                .build()),
        s::get);
    s.call(
        kv.get(bytes(p), GetOption.builder().isPrefix(true).withCountOnly(true).build()), s::get);
    s.call(kv.get(bytes(p + "b"), GetOption.builder().withRange(bytes(p + "d")).build()), s::get);
    s.call(
        kv.get(bytes(p), GetOption.builder().isPrefix(true).withRevision(base + 2).build()),
        s::get);
    s.call(
        kv.get(
            bytes(p),
            GetOption.builder()
                .isPrefix(true)
                .withMinModRevision(base + 3)
                .withMaxCreateRevision(base + 3)
                .build()),
        s::get);
    s.call(kv.get(bytes(p + "a"), GetOption.builder().withRevision(base + 1000).build()), s::get);
    s.call(
        kv.txn()
            .If(new Cmp(bytes(p + "a"), Cmp.Op.EQUAL, CmpTarget.version(2)))
            .Then(
                Op.put(bytes(p + "e"), bytes("5"), PutOption.DEFAULT),
                Op.get(bytes(p + "e"), GetOption.DEFAULT))
            .Else(Op.get(bytes(p + "a"), GetOption.DEFAULT))
            .commit(),
        s::txn);
    s.call(
        kv.txn()
            .If(new Cmp(bytes(p + "a"), Cmp.Op.GREATER, CmpTarget.value(bytes("5"))))
            .Then(Op.delete(bytes(p + "a"), DeleteOption.builder().withPrevKV(true).build()))
            .Else(Op.get(bytes(p), GetOption.builder().isPrefix(true).withKeysOnly(true).build()))
            .commit(),
        s::txn);
    s.call(kv.delete(bytes(p + "zz")), s::delete);
    s.call(kv.delete(bytes(p + "b"), DeleteOption.builder().withPrevKV(true).build()), s::delete);
    // a range that holds one key: etcd gives the deletes of a range one revision, Keywatch each its
    // own (aRangeDeleteTakesOneRevisionPerKeyOnKeywatchButOneOnEtcd)
    s.call(
        kv.delete(bytes(p + "c"), DeleteOption.builder().isPrefix(true).withPrevKV(true).build()),
        s::delete);
    s.call(kv.get(bytes(p), GetOption.builder().isPrefix(true).build()), s::get);
    return s.answers;
  }

  /**
   * Watch: history from a revision with prev_kv, then a live event, a no-delete filter, a progress
   * request on a watch without progress_notify (the answer can only come from the request), and a
   * watch with progress_notify on a quiet key, whose first answer is the periodic notification.
   */
  static List<String> watch(Client client, long base) throws InterruptedException {
    JetcdSessions s = new JetcdSessions(client, base);
    KV kv = client.getKVClient();
    Watch watch = client.getWatchClient();
    String p = "/s22/";
    s.call(kv.put(bytes(p + "a"), bytes("1")), s::put);
    s.call(kv.put(bytes(p + "a"), bytes("2")), s::put);
    s.call(kv.delete(bytes(p + "a")), s::delete);
    s.call(kv.put(bytes(p + "b"), bytes("1")), s::put);
    List<WatchResponse> history = new CopyOnWriteArrayList<>();
    try (Watch.Watcher w =
        watch.watch(
            bytes(p),
            WatchOption.builder().isPrefix(true).withRevision(base + 1).withPrevKV(true).build(),
            history::add)) {
      s.events(history, 0, 4);
      s.call(kv.put(bytes(p + "c"), bytes("live")), s::put);
      s.events(history, 4, 5);
      history.clear();
      watch.requestProgress();
      s.progress(history, "requested");
    }
    List<WatchResponse> puts = new CopyOnWriteArrayList<>();
    try (Watch.Watcher w =
        watch.watch(
            bytes(p + "a"),
            WatchOption.builder().withRevision(base + 1).withNoDelete(true).build(),
            puts::add)) {
      s.events(puts, 0, 2);
    }
    List<WatchResponse> quiet = new CopyOnWriteArrayList<>();
    try (Watch.Watcher w =
        watch.watch(
            bytes(p + "quiet"),
            WatchOption.builder().withProgressNotify(true).build(),
            quiet::add)) {
      s.progress(quiet, "periodic");
    }
    return s.answers;
  }

  /**
   * Lease: a key on a 2 s lease outlives it while jetcd keeps the lease alive, then expires with it
   * when the keep-alive stops, and a watch sees the expiry's delete; a revoke deletes its key; both
   * leases are gone afterwards.
   */
  static List<String> lease(Client client, long base) throws InterruptedException {
    JetcdSessions s = new JetcdSessions(client, base);
    KV kv = client.getKVClient();
    Lease lease = client.getLeaseClient();
    String key = "/s23/expiring";
    long granted = System.nanoTime();
    long id = get(lease.grant(2)).getID();
    s.answers.add("grant ttl " + get(lease.timeToLive(id, LeaseOption.DEFAULT)).getGrantedTTL());
    s.call(kv.put(bytes(key), bytes("v"), PutOption.builder().withLeaseId(id).build()), s::put);
    s.call(lease.timeToLive(id, LeaseOption.builder().withAttachedKeys().build()), s::timeToLive);
    List<WatchResponse> events = new CopyOnWriteArrayList<>();
    try (Watch.Watcher w =
        client
            .getWatchClient()
            .watch(bytes(key), WatchOption.builder().withRevision(base + 1).build(), events::add)) {
      List<LeaseKeepAliveResponse> beats = new CopyOnWriteArrayList<>();
      try (CloseableClient keepAlive = lease.keepAlive(id, collect(beats))) {
        // twice the TTL: without the keep-alives the key would be gone by now
        Keywatch.eventually()
            .until(
                () ->
                    beats.size() >= 3
                        && Duration.ofNanos(System.nanoTime() - granted).toSeconds() >= 4);
        s.answers.add(
            "keep-alive ttl "
                + beats.stream().map(LeaseKeepAliveResponse::getTTL).distinct().toList());
        s.call(kv.get(bytes(key)), s::get);
      }
      s.events(events, 0, 2);
    }
    s.call(kv.get(bytes(key)), s::get);
    s.call(lease.timeToLive(id, LeaseOption.DEFAULT), s::timeToLive);
    long revoked = get(lease.grant(60)).getID();
    s.call(
        kv.put(bytes("/s23/revoked"), bytes("v"), PutOption.builder().withLeaseId(revoked).build()),
        s::put);
    s.call(lease.revoke(revoked), r -> "revoke" + s.header(r));
    s.call(kv.get(bytes("/s23/"), GetOption.builder().isPrefix(true).build()), s::get);
    s.call(lease.keepAliveOnce(revoked), r -> "keep-alive ttl " + r.getTTL());
    return s.answers;
  }

  // ---- answers as text ----

  private <T> void call(CompletableFuture<T> future, Function<T, String> describe)
      throws InterruptedException {
    try {
      answers.add(describe.apply(future.get()));
    } catch (ExecutionException e) {
      answers.add("error " + e.getCause().getMessage());
    }
  }

  private static <T> T get(CompletableFuture<T> future) throws InterruptedException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      throw new AssertionError(e.getCause());
    }
  }

  /**
   * Waits until the responses hold {@code count} events in all and adds those from {@code from}.
   */
  private void events(List<WatchResponse> responses, int from, int count) {
    List<String> events = new ArrayList<>();
    Keywatch.eventually()
        .until(
            () -> {
              events.clear();
              responses.forEach(r -> r.getEvents().forEach(e -> events.add(event(e))));
              return events.size() >= count;
            });
    answers.addAll(events.subList(from, count));
  }

  /** Waits for the first progress notification and adds its (relative) revision. */
  private void progress(List<WatchResponse> responses, String kind) {
    Keywatch.eventually().until(() -> responses.stream().anyMatch(WatchResponse::isProgressNotify));
    WatchResponse r =
        responses.stream().filter(WatchResponse::isProgressNotify).findFirst().orElseThrow();
    answers.add(kind + " progress" + header(r));
  }

  private String header(Response r) {
    return " @" + relative(r.getHeader().getRevision());
  }

  /** A revision relative to the session's base; 0 (none, as a delete event's create) stays 0. */
  private String relative(long revision) {
    return revision == 0 ? "0" : "+" + (revision - base);
  }

  private String put(PutResponse r) {
    return "put" + header(r) + (r.hasPrevKv() ? " prev " + kv(r.getPrevKv()) : "");
  }

  private String get(GetResponse r) {
    return "get"
        + header(r)
        + " count "
        + r.getCount()
        + " more "
        + r.isMore()
        + " "
        + r.getKvs().stream().map(this::kv).toList();
  }

  private String delete(DeleteResponse r) {
    return "delete"
        + header(r)
        + " deleted "
        + r.getDeleted()
        + " prev "
        + r.getPrevKvs().stream().map(this::kv).toList();
  }

  private String txn(TxnResponse r) {
    return "txn"
        + header(r)
        + " succeeded "
        + r.isSucceeded()
        + " gets "
        + r.getGetResponses().stream().map(this::get).toList()
        + " puts "
        + r.getPutResponses().stream().map(this::put).toList()
        + " deletes "
        + r.getDeleteResponses().stream().map(this::delete).toList();
  }

  private String timeToLive(LeaseTimeToLiveResponse r) {
    // the TTL left is whatever time passed; only whether the lease lives is compared
    return "time-to-live granted "
        + r.getGrantedTTL()
        + (r.getTTL() > 0 ? " alive" : " ttl " + r.getTTL())
        + " keys "
        + r.getKeys().stream().map(k -> k.toString(StandardCharsets.UTF_8)).toList();
  }

  private String kv(KeyValue kv) {
    return kv.getKey().toString(StandardCharsets.UTF_8)
        + "="
        + kv.getValue().toString(StandardCharsets.UTF_8)
        + " create "
        + relative(kv.getCreateRevision())
        + " mod "
        + relative(kv.getModRevision())
        + " version "
        + kv.getVersion()
        + (kv.getLease() != 0 ? " leased" : "");
  }

  private String event(WatchEvent e) {
    return e.getEventType()
        + " "
        + kv(e.getKeyValue())
        + (e.getPrevKV() != null && e.getPrevKV().getModRevision() != 0
            ? " prev " + kv(e.getPrevKV())
            : "");
  }

  private static <T> StreamObserver<T> collect(List<T> into) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        into.add(value);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    };
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
