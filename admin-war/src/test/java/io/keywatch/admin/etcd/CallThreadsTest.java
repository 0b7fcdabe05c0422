package io.keywatch.admin.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallThreadsTest {

  private final ExecutorService pool =
      Executors.newCachedThreadPool(r -> new Thread(r, "call-pool"));
  private Server server;
  private ManagedChannel channel;

  /** Answers with the name of the thread the call ran on; a service named "fail" throws. */
  private static final class ThreadNaming extends HealthGrpc.HealthImplBase {
    @Override
    public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> response) {
      if (request.getService().equals("fail")) {
        throw new IllegalStateException("the service failed");
      }
      response.onNext(
          HealthCheckResponse.newBuilder()
              .setStatusValue(Thread.currentThread().getName().equals("call-pool") ? 1 : 2)
              .build());
      response.onCompleted();
    }
  }

  private HealthGrpc.HealthBlockingStub client() throws Exception {
    return client(Set.of());
  }

  private HealthGrpc.HealthBlockingStub client(Set<String> nonBlocking) throws Exception {
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .directExecutor()
            .addService(
                ServerInterceptors.intercept(
                    new ThreadNaming(), new CallThreads(pool, nonBlocking)))
            .build()
            .start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    pool.shutdownNow();
  }

  @Test
  void aCallRunsOnThePoolNotOnTheEventLoop() throws Exception {
    HealthGrpc.HealthBlockingStub health = client();
    for (int i = 0; i < 20; i++) {
      assertEquals(
          HealthCheckResponse.ServingStatus.SERVING,
          health.check(HealthCheckRequest.getDefaultInstance()).getStatus());
    }
  }

  @Test
  void aNonBlockingMethodStaysOnTheEventLoop() throws Exception {
    HealthGrpc.HealthBlockingStub health =
        client(Set.of(HealthGrpc.getCheckMethod().getFullMethodName()));
    assertEquals(
        HealthCheckResponse.ServingStatus.NOT_SERVING,
        health.check(HealthCheckRequest.getDefaultInstance()).getStatus());
  }

  @Test
  void aFailingCallIsClosedAsGrpcClosesIt() throws Exception {
    HealthGrpc.HealthBlockingStub health = client();
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () -> health.check(HealthCheckRequest.newBuilder().setService("fail").build()));
    assertEquals(Status.Code.UNKNOWN, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("Application error processing RPC"));
    // the server goes on answering
    assertEquals(
        HealthCheckResponse.ServingStatus.SERVING,
        health.check(HealthCheckRequest.getDefaultInstance()).getStatus());
  }
}
