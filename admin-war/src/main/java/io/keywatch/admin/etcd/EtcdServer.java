package io.keywatch.admin.etcd;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.keywatch.admin.config.AdminSettings;
import io.keywatch.kv.KvStore;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * etcd's gRPC API on {@code keywatch.etcd.bind}:{@code keywatch.etcd.port}, started with the admin
 * application and stopped with it. Calls run on managed threads of a cached pool (a call may wait on
 * the database; a bounded pool would queue the others behind it); each watch has a thread of its own.
 */
@Singleton
@Startup
@DependsOn("WatchHub")
public class EtcdServer {

  private static final Logger LOG = Logger.getLogger(EtcdServer.class.getName());

  @Inject KvStore store;
  @Inject WatchHub hub;
  @Inject AdminSettings settings;
  @Resource ManagedThreadFactory threads;

  private Server server;
  private ExecutorService calls;
  private WatchService watch;

  @PostConstruct
  void start() {
    InetSocketAddress address = new InetSocketAddress(settings.etcdBind(), settings.etcdPort());
    EtcdMember member = EtcdMember.of(settings.etcdName(),
        "http://" + address.getHostString() + ":" + address.getPort());
    Tokens tokens = new Tokens(settings.apiKey());
    AuthCheck auth = new AuthCheck(tokens);
    watch = new WatchService(hub, store, member, threads, settings.etcdProgressInterval());
    HealthStatusManager health = new HealthStatusManager();
    calls = Executors.newCachedThreadPool(threads);
    server = NettyServerBuilder.forAddress(address)
        .executor(calls)
        .addService(ServerInterceptors.intercept(new KvService(store, member), auth))
        .addService(ServerInterceptors.intercept(watch, auth))
        .addService(ServerInterceptors.intercept(new MaintenanceService(store, member, settings.etcdVersion()), auth))
        .addService(ServerInterceptors.intercept(new ClusterService(member), auth))
        .addService(ServerInterceptors.intercept(new AuthService(tokens, store, member), auth))
        .addService(health.getHealthService())
        .build();
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("ETCD cannot listen on " + address + " (set KEYWATCH_ETCD_PORT / KEYWATCH_ETCD_BIND)", e);
    }
    LOG.info(() -> "ETCD gRPC API listening on " + address);
  }

  @PreDestroy
  void stop() {
    watch.closeAll();
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
