package io.keywatch.admin.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every setting of the admin API, in one place. Each is a MicroProfile Config property and so can
 * be set by the environment variable named beside it; defaults live in this module's {@code
 * META-INF/microprofile-config.properties}. The store's own settings (JDBC, value limit, watch
 * queue) are in {@link io.keywatch.config.Settings}.
 */
@ApplicationScoped
public class AdminSettings {

  /**
   * KEYWATCH_API_KEY: the key every admin call must send as {@code X-API-KEY}; unset refuses all.
   */
  @Inject
  @ConfigProperty(name = "keywatch.api-key")
  Optional<String> apiKey;

  /**
   * KEYWATCH_WATCH_FEED_KEY: a second key, for gateways of the fan-out tier, that only reads: it
   * opens {@code GET /watch} and lists {@code GET /routes}, nothing else. Unset: none.
   */
  @Inject
  @ConfigProperty(name = "keywatch.watch.feed-key")
  Optional<String> feedKey;

  /**
   * KEYWATCH_RETENTION: compact what was superseded longer ago than this (ISO-8601, e.g. P7D);
   * unset: never.
   */
  @Inject
  @ConfigProperty(name = "keywatch.retention")
  Optional<Duration> retention;

  /** KEYWATCH_RETENTION_INTERVAL: how often the retention runs. */
  @Inject
  @ConfigProperty(name = "keywatch.retention.interval")
  Duration retentionInterval;

  /**
   * KEYWATCH_WATCH_PROGRESS_INTERVAL: the longest a watch stream stays silent before a progress
   * event.
   */
  @Inject
  @ConfigProperty(name = "keywatch.watch.progress-interval")
  Duration progressInterval;

  /** KEYWATCH_WATCH_MAX_CLIENTS: the most watch streams open at once (each holds one thread). */
  @Inject
  @ConfigProperty(name = "keywatch.watch.max-clients")
  int maxWatchClients;

  /**
   * KEYWATCH_WATCH_TOKEN_TTL: how long a watch token from {@code POST /watch/tokens} lasts when the
   * request names no ttl.
   */
  @Inject
  @ConfigProperty(name = "keywatch.watch.token-ttl")
  Duration watchTokenTtl;

  /** KEYWATCH_WATCH_TOKEN_MAX_TTL: the longest ttl a watch token may be given. */
  @Inject
  @ConfigProperty(name = "keywatch.watch.token-max-ttl")
  Duration watchTokenMaxTtl;

  /**
   * KEYWATCH_ADMIN_CORS_ORIGINS: the origins (e.g. {@code https://ui.example.com}, comma-separated)
   * whose pages may call the admin API; unset: no CORS headers at all, so browsers allow no other
   * origin.
   */
  @Inject
  @ConfigProperty(name = "keywatch.admin.cors-origins")
  Optional<String> corsOrigins; // split here: Payara's Config cannot inject Optional<List<String>>

  /** KEYWATCH_TXN_MAX_OPS: the most compares plus operations in one transaction (etcd: 128). */
  @Inject
  @ConfigProperty(name = "keywatch.txn.max-ops")
  int txnMaxOps;

  /** KEYWATCH_TXN_MAX_BYTES: the largest transaction request body. */
  @Inject
  @ConfigProperty(name = "keywatch.txn.max-bytes")
  long txnMaxBytes;

  /**
   * KEYWATCH_ROUTES_ALLOW_PRIVATE_UPSTREAMS: accept routes to this admin server itself and to
   * link-local addresses (the cloud metadata service); see {@code UpstreamGuard}.
   */
  @Inject
  @ConfigProperty(name = "keywatch.routes.allow-private-upstreams")
  boolean allowPrivateUpstreams;

  /** KEYWATCH_ETCD_PORT: the port of etcd's gRPC API. */
  @Inject
  @ConfigProperty(name = "keywatch.etcd.port")
  int etcdPort;

  /** KEYWATCH_ETCD_BIND: the address etcd's gRPC API listens on (loopback by default). */
  @Inject
  @ConfigProperty(name = "keywatch.etcd.bind")
  String etcdBind;

  /**
   * KEYWATCH_ETCD_VERSION: the etcd version Maintenance.Status reports, for clients that check it.
   */
  @Inject
  @ConfigProperty(name = "keywatch.etcd.version")
  String etcdVersion;

  /** KEYWATCH_ETCD_NAME: this member's name in Cluster.MemberList. */
  @Inject
  @ConfigProperty(name = "keywatch.etcd.name")
  String etcdName;

  /**
   * KEYWATCH_ETCD_PROGRESS_INTERVAL: how often a quiet etcd watch with progress_notify hears the
   * revision.
   */
  @Inject
  @ConfigProperty(name = "keywatch.etcd.progress-interval")
  Duration etcdProgressInterval;

  /** KEYWATCH_LEASE_CHECK_INTERVAL: how often this server looks for expired leases to revoke. */
  @Inject
  @ConfigProperty(name = "keywatch.lease.check-interval")
  Duration leaseCheckInterval;

  /**
   * KEYWATCH_LEASE_EXPIRY_BATCH: the most expired leases revoked in one transaction (etcd revokes
   * 1000/s).
   */
  @Inject
  @ConfigProperty(name = "keywatch.lease.expiry-batch")
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
