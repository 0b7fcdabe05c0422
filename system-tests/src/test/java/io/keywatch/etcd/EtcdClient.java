package io.keywatch.etcd;

import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.keywatch.etcd.etcdserverpb.AuthGrpc;
import io.keywatch.etcd.etcdserverpb.AuthenticateRequest;
import io.keywatch.etcd.etcdserverpb.KVGrpc;
import io.keywatch.etcd.etcdserverpb.LeaseGrpc;
import io.keywatch.etcd.etcdserverpb.WatchGrpc;
import io.keywatch.etcd.etcdserverpb.WatchRequest;
import io.keywatch.etcd.etcdserverpb.WatchResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A raw gRPC client of etcd's API from Keywatch's own generated stubs, for what etcdctl cannot send
 * (a bogus token, watch ids, filters, progress requests, min/max revision filters).
 */
final class EtcdClient implements AutoCloseable {

  private final ManagedChannel channel;
  private final CallCredentials credentials;

  /** A client that authenticates as {@code user}/{@code password} first; null user: no token. */
  EtcdClient(int port, String user, String password) {
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    credentials =
        user == null
            ? null
            : token(
                AuthGrpc.newBlockingStub(channel)
                    .authenticate(
                        AuthenticateRequest.newBuilder()
                            .setName(user)
                            .setPassword(password)
                            .build())
                    .getToken());
  }

  /** A client that sends this token as it is. */
  static EtcdClient withToken(int port, String token) {
    return new EtcdClient(port, token);
  }

  private EtcdClient(int port, String token) {
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    credentials = token(token);
  }

  KVGrpc.KVBlockingStub kv() {
    KVGrpc.KVBlockingStub stub =
        KVGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    return credentials == null ? stub : stub.withCallCredentials(credentials);
  }

  /** A watch stream; responses queue up for {@link WatchStream#next}. */
  LeaseGrpc.LeaseBlockingStub lease() {
    LeaseGrpc.LeaseBlockingStub stub =
        LeaseGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    return credentials == null ? stub : stub.withCallCredentials(credentials);
  }

  WatchStream watch() {
    WatchGrpc.WatchStub stub = WatchGrpc.newStub(channel);
    if (credentials != null) {
      stub = stub.withCallCredentials(credentials);
    }
    BlockingQueue<Object> responses = new LinkedBlockingQueue<>();
    StreamObserver<WatchRequest> requests =
        stub.watch(
            new StreamObserver<>() {
              @Override
              public void onNext(WatchResponse r) {
                responses.add(r);
              }

              @Override
              public void onError(Throwable t) {
                responses.add(t);
              }

              @Override
              public void onCompleted() {
                responses.add("completed");
              }
            });
    return new WatchStream(requests, responses);
  }

  record WatchStream(StreamObserver<WatchRequest> requests, BlockingQueue<Object> responses)
      implements AutoCloseable {

    void send(WatchRequest request) {
      requests.onNext(request);
    }

    /** The next response, failing after a wait bound fit for a busy machine. */
    WatchResponse next() {
      return next(Duration.ofSeconds(30));
    }

    WatchResponse next(Duration wait) {
      try {
        Object r = responses.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
        if (r instanceof WatchResponse w) {
          return w;
        }
        throw new AssertionError("no watch response within " + wait + ": " + r);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }

    @Override
    public void close() {
      requests.onCompleted();
    }
  }

  private static CallCredentials token(String token) {
    Metadata.Key<String> key = Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER);
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(
          RequestInfo info, Executor executor, MetadataApplier applier) {
        Metadata m = new Metadata();
        m.put(key, token);
        applier.apply(m);
      }
    };
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
