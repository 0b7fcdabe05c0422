package io.keywatch.settings;

/**
 * The settings of the admin server (admin-war), beside the store's. Their defaults are served by
 * admin-war's {@code AdminDefaults}, at ordinal 100.
 */
public final class AdminSetting {

  @Setting(doc = "the key every admin call must send as X-API-KEY; unset refuses all")
  public static final String API_KEY = "keywatch.api-key";

  // for gateways of the fan-out tier: it opens GET /watch, GET /routes, GET /upstreams and GET
  // /ssls, nothing else,
  // and is shown the ssl objects' private keys there (the gateway's HTTPS listener needs them)
  @Setting(
      doc = "a second, read-only key: it opens the watch stream and the route and ssl lists only")
  public static final String WATCH_FEED_KEY = "keywatch.watch.feed-key";

  @Setting(
      doc = "compact what was superseded longer ago than this (ISO-8601, e.g. P7D); unset: never")
  public static final String RETENTION = "keywatch.retention";

  @Setting(defaultValue = "PT1M", doc = "how often the retention runs")
  public static final String RETENTION_INTERVAL = "keywatch.retention.interval";

  @Setting(
      defaultValue = "PT5S",
      doc = "the longest a watch stream stays silent before a progress event")
  public static final String WATCH_PROGRESS_INTERVAL = "keywatch.watch.progress-interval";

  @Setting(
      defaultValue = "1000",
      doc = "the most watch streams open at once (each holds one thread)")
  public static final String WATCH_MAX_CLIENTS = "keywatch.watch.max-clients";

  // watch tokens (POST /watch/tokens): what an EventSource sends as ?token= instead of X-API-KEY
  @Setting(
      defaultValue = "PT5M",
      doc = "how long a watch token lasts when the request names no ttl")
  public static final String WATCH_TOKEN_TTL = "keywatch.watch.token-ttl";

  @Setting(defaultValue = "PT1H", doc = "the longest ttl a watch token may be given")
  public static final String WATCH_TOKEN_MAX_TTL = "keywatch.watch.token-max-ttl";

  @Setting(
      doc =
          "the origins (comma-separated) whose pages may call the admin API; unset: no CORS"
              + " headers, so browsers allow no other origin")
  public static final String CORS_ORIGINS = "keywatch.admin.cors-origins";

  @Setting(defaultValue = "8388608", doc = "the largest transaction request body in bytes")
  public static final String TXN_MAX_BYTES = "keywatch.txn.max-bytes";

  @Setting(
      defaultValue = "false",
      doc =
          "accept routes to this admin server itself and to link-local addresses (the cloud"
              + " metadata service)")
  public static final String ROUTES_ALLOW_PRIVATE_UPSTREAMS =
      "keywatch.routes.allow-private-upstreams";

  @Setting(defaultValue = "PT0.5S", doc = "how often this server looks for expired leases")
  public static final String LEASE_CHECK_INTERVAL = "keywatch.lease.check-interval";

  @Setting(
      defaultValue = "1000",
      doc = "the most expired leases revoked in one transaction (etcd revokes 1000/s)")
  public static final String LEASE_EXPIRY_BATCH = "keywatch.lease.expiry-batch";

  // the launcher passes the port it listens on; a route to it would open the admin API
  @Setting(defaultValue = "9180", doc = "the admin API's HTTP port, which no upstream may name")
  public static final String ADMIN_PORT = "keywatch.admin.port";

  @Setting(defaultValue = "2379", doc = "the port of etcd's gRPC API")
  public static final String ETCD_PORT = "keywatch.etcd.port";

  // loopback only unless a bind address is configured
  @Setting(defaultValue = "127.0.0.1", doc = "the address etcd's gRPC API listens on")
  public static final String ETCD_BIND = "keywatch.etcd.bind";

  // a 3.4 release: the API level this surface follows
  @Setting(
      defaultValue = "3.4.23",
      doc = "the etcd version Maintenance.Status reports, for clients that check it")
  public static final String ETCD_VERSION = "keywatch.etcd.version";

  @Setting(defaultValue = "default", doc = "this member's name in Cluster.MemberList")
  public static final String ETCD_NAME = "keywatch.etcd.name";

  @Setting(
      defaultValue = "PT10M",
      doc = "how often a quiet etcd watch with progress_notify hears the revision (etcd: 10 min)")
  public static final String ETCD_PROGRESS_INTERVAL = "keywatch.etcd.progress-interval";

  private AdminSetting() {}
}
