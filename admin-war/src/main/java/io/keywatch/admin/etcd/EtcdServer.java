package io.keywatch.admin.etcd;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.keywatch.admin.config.AdminSettings;
import io.keywatch.admin.routes.UpstreamGuard;
import io.keywatch.etcd.etcdserverpb.KVGrpc;
import io.keywatch.kv.KvStore;
import io.keywatch.kv.LeaseStore;
import io.keywatch.watch.WatchHub;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * etcd's gRPC API on {@code keywatch.etcd.bind}:{@code keywatch.etcd.port}, started with the admin
 * application and stopped with it. Calls run on managed threads of a cached pool (a call may wait
 * on the database; a bounded pool would queue the others behind it), handed there from Netty's
 * event loop by {@link CallThreads}; each watch has a thread of its own. A put holds none while it
 * waits for its commit: the pool commits and answers it.
 */
@Singleton
@Startup
@DependsOn("WatchHub")
public class EtcdServer {

  private static final Logger LOG = Logger.getLogger(EtcdServer.class.getName());

  @Inject KvStore store;
  @Inject LeaseStore leases;
  @Inject WatchHub hub;
  @Inject AdminSettings settings;
  @Inject UpstreamGuard guard;
  @Resource ManagedThreadFactory threads;

  private Server server;
  private ExecutorService calls;
  private EtcdApi api;

  @PostConstruct
  void start() {
    InetSocketAddress address = new InetSocketAddress(settings.etcdBind(), settings.etcdPort());
    EtcdMember member =
        EtcdMember.of(
            settings.etcdName(), "http://" + address.getHostString() + ":" + address.getPort());
    Tokens tokens = new Tokens(settings.apiKey());
    calls = Executors.newCachedThreadPool(threads);
    api =
        new EtcdApi(
            new AuthCheck(tokens),
            new KvService(store, new DocumentRules(guard), member, calls),
            new LeaseService(leases, store, member),
            new WatchService(hub, store, member, threads, settings.etcdProgressInterval()),
            new MaintenanceService(store, member, settings.etcdVersion()),
            new ClusterService(member),
            new AuthService(tokens, store, member));
    HealthStatusManager health = new HealthStatusManager();
    // callThreads, the last, runs first: the call starts (token check included) on the event loop,
    // its events then run on the pool, but a put's: it queues for its group commit and is answered
    // from there
    CallThreads callThreads =
        new CallThreads(calls, Set.of(KVGrpc.getPutMethod().getFullMethodName()));
    server =
        NettyServerBuilder.forAddress(address)
            .directExecutor()
            .addService(ServerInterceptors.intercept(api.kv(), api.auth(), callThreads))
            .addService(ServerInterceptors.intercept(api.lease(), api.auth(), callThreads))
            .addService(ServerInterceptors.intercept(api.watch(), api.auth(), callThreads))
            .addService(ServerInterceptors.intercept(api.maintenance(), api.auth(), callThreads))
            .addService(ServerInterceptors.intercept(api.cluster(), api.auth(), callThreads))
            .addService(ServerInterceptors.intercept(api.authentication(), api.auth(), callThreads))
            // in memory: answered on the event loop
            .addService(health.getHealthService())
            .build();
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "ETCD cannot listen on " + address + " (set KEYWATCH_ETCD_PORT / KEYWATCH_ETCD_BIND)", e);
    }
    LOG.info(() -> "ETCD gRPC API listening on " + address);
  }

  /** The services, for the JSON gateway on the admin's HTTP port. */
  public EtcdApi api() {
    return api;
  }

  @PreDestroy
  void stop() {
    api.watch().closeAll();
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    calls.shutdownNow();
    LOG.info("ETCD gRPC API stopped");
  }
}
