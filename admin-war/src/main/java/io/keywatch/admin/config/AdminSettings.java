package io.keywatch.admin.config;

import io.keywatch.settings.AdminSetting;
import io.keywatch.settings.StoreSetting;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The settings of the admin API, injected. Each is declared, with its default and what it is for,
 * in {@link AdminSetting}; {@link AdminDefaults} serves the defaults. The store's own settings
 * (JDBC, value limit, watch queue) are in {@link io.keywatch.config.Settings}.
 */
@ApplicationScoped
public class AdminSettings {

  @Inject
  @ConfigProperty(name = AdminSetting.API_KEY)
  Optional<String> apiKey;

  @Inject
  @ConfigProperty(name = AdminSetting.WATCH_FEED_KEY)
  Optional<String> feedKey;

  @Inject
  @ConfigProperty(name = AdminSetting.RETENTION)
  Optional<Duration> retention;

  @Inject
  @ConfigProperty(name = AdminSetting.RETENTION_INTERVAL)
  Duration retentionInterval;

  @Inject
  @ConfigProperty(name = AdminSetting.WATCH_PROGRESS_INTERVAL)
  Duration progressInterval;

  @Inject
  @ConfigProperty(name = AdminSetting.WATCH_MAX_CLIENTS)
  int maxWatchClients;

  @Inject
  @ConfigProperty(name = AdminSetting.WATCH_TOKEN_TTL)
  Duration watchTokenTtl;

  @Inject
  @ConfigProperty(name = AdminSetting.WATCH_TOKEN_MAX_TTL)
  Duration watchTokenMaxTtl;

  @Inject
  @ConfigProperty(name = AdminSetting.CORS_ORIGINS)
  Optional<String> corsOrigins; // split here: Payara's Config cannot inject Optional<List<String>>

  @Inject
  @ConfigProperty(name = StoreSetting.TXN_MAX_OPS)
  int txnMaxOps;

  @Inject
  @ConfigProperty(name = AdminSetting.TXN_MAX_BYTES)
  long txnMaxBytes;

  @Inject
  @ConfigProperty(name = AdminSetting.ROUTES_ALLOW_PRIVATE_UPSTREAMS)
  boolean allowPrivateUpstreams;

  @Inject
  @ConfigProperty(name = AdminSetting.ADMIN_PORT)
  int adminPort;

  @Inject
  @ConfigProperty(name = AdminSetting.ETCD_PORT)
  int etcdPort;

  @Inject
  @ConfigProperty(name = AdminSetting.ETCD_BIND)
  String etcdBind;

  @Inject
  @ConfigProperty(name = AdminSetting.ETCD_VERSION)
  String etcdVersion;

  @Inject
  @ConfigProperty(name = AdminSetting.ETCD_NAME)
  String etcdName;

  @Inject
  @ConfigProperty(name = AdminSetting.ETCD_PROGRESS_INTERVAL)
  Duration etcdProgressInterval;

  @Inject
  @ConfigProperty(name = AdminSetting.LEASE_CHECK_INTERVAL)
  Duration leaseCheckInterval;

  @Inject
  @ConfigProperty(name = AdminSetting.LEASE_EXPIRY_BATCH)
  int leaseExpiryBatch;

  /** The configured key; a blank one counts as unset, so no empty key can ever match. */
  public Optional<String> apiKey() {
    return apiKey.filter(k -> !k.isBlank());
  }

  /** The feed key; blank counts as unset. */
  public Optional<String> feedKey() {
    return feedKey.filter(k -> !k.isBlank());
  }

  public Optional<Duration> retention() {
    return retention;
  }

  public Duration retentionInterval() {
    return retentionInterval;
  }

  public Duration progressInterval() {
    return progressInterval;
  }

  public int maxWatchClients() {
    return maxWatchClients;
  }

  public Duration watchTokenTtl() {
    return watchTokenTtl;
  }

  public Duration watchTokenMaxTtl() {
    return watchTokenMaxTtl;
  }

  /**
   * The allowed origins, each without surrounding blanks or a trailing slash (an Origin header has
   * none).
   */
  public List<String> corsOrigins() {
    return corsOrigins.stream()
        .flatMap(list -> Arrays.stream(list.split(",")))
        .map(String::strip)
        .map(o -> o.endsWith("/") ? o.substring(0, o.length() - 1) : o)
        .filter(o -> !o.isEmpty())
        .toList();
  }

  public int txnMaxOps() {
    return txnMaxOps;
  }

  public long txnMaxBytes() {
    return txnMaxBytes;
  }

  public boolean allowPrivateUpstreams() {
    return allowPrivateUpstreams;
  }

  /** This server's HTTP port, as the launcher gave it. */
  public int adminPort() {
    return adminPort;
  }

  public int etcdPort() {
    return etcdPort;
  }

  public String etcdBind() {
    return etcdBind;
  }

  public String etcdVersion() {
    return etcdVersion;
  }

  public String etcdName() {
    return etcdName;
  }

  public Duration etcdProgressInterval() {
    return etcdProgressInterval;
  }

  public Duration leaseCheckInterval() {
    return leaseCheckInterval;
  }

  public int leaseExpiryBatch() {
    return leaseExpiryBatch;
  }
}
