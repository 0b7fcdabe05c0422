package io.keywatch.bench.lab;

import io.keywatch.launcher.KeywatchSystem;
import io.keywatch.launcher.ServerRole;
import io.keywatch.launcher.ServerStartException;
import io.keywatch.settings.Catalogue;
import io.keywatch.settings.LauncherSetting;
import java.net.URI;
import java.util.Arrays;
import java.util.UUID;

/**
 * The admin and proxy servers, started as the launcher starts them ({@link KeywatchSystem}), on the
 * benchmark's PostgreSQL (the launcher's own embedded one runs with fsync off, see {@link
 * Postgres}).
 */
public final class KeywatchServers implements AutoCloseable {

  private static final int PORT_ATTEMPTS = 5;

  private final KeywatchSystem system;

  private KeywatchServers(KeywatchSystem system) {
    this.system = system;
  }

  public static KeywatchServers start(BenchSettings settings, Postgres postgres) {
    KeywatchSystem.Builder options =
        KeywatchSystem.Options.builder()
            .adminPort(settings.adminPort())
            .proxyPort(settings.proxyPort())
            .jdbcUrl(postgres.serverJdbcUrl())
            .jdbcUser(postgres.user())
            .apiKey(UUID.randomUUID().toString())
            .workDir(settings.work().resolve("keywatch"))
            .startTimeout(settings.serverStartTimeout())
            .home(settings.keywatchHome())
            .env(
                ServerRole.PROXY,
                "KEYWATCH_PROXY_ACCESS_LOG",
                String.valueOf(settings.proxyAccessLog()));
    // the servers run as ./keywatch runs them: the launcher's default options, then the bench's
    String defaults =
        Catalogue.of(LauncherSetting.class)
            .entry(LauncherSetting.SERVER_JAVA_OPTIONS)
            .flatMap(Catalogue.Entry::defaultValue)
            .orElse("");
    Arrays.stream((defaults + " " + settings.serverJavaOptions()).split("\\s+"))
        .filter(o -> !o.isBlank())
        .forEach(options::javaOption);
    for (int attempt = 1; ; attempt++) {
      try {
        return new KeywatchServers(KeywatchSystem.start(options.build()));
      } catch (ServerStartException e) {
        // the ports lie in Linux's ephemeral range: a busy machine's outgoing connection may hold
        // one for a moment
        if (attempt == PORT_ATTEMPTS
            || !String.valueOf(e.getMessage()).contains("already in use")) {
          throw e;
        }
        System.out.println("  " + e.getMessage() + "; trying again");
      }
    }
  }

  public URI admin() {
    return system.adminUri();
  }

  /** The gateway on 127.0.0.1 (wrk and the poller connect by address, not by name). */
  public URI proxy() {
    return URI.create("http://127.0.0.1:" + system.proxyUri().getPort() + "/");
  }

  /** etcd's gRPC API of the admin server, as jetcd names an endpoint. */
  public String etcdEndpoint() {
    return "http://127.0.0.1:" + system.etcdPort();
  }

  public long adminPid() {
    return system.pid(ServerRole.ADMIN);
  }

  public long proxyPid() {
    return system.pid(ServerRole.PROXY);
  }

  public String apiKey() {
    return system.apiKey();
  }

  /** The key the launcher's gateway follows its admin with. */
  public String feedKey() {
    return system.feedKey();
  }

  @Override
  public void close() {
    system.close();
  }
}
