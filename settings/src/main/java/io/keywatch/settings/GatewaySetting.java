package io.keywatch.settings;

/**
 * The settings of the gateway (proxy-war), beside the store's. Their defaults are served by
 * proxy-war's {@code GatewayDefaults}, at ordinal 110: above the store's, so that a store setting
 * declared here again takes the gateway's default.
 */
public final class GatewaySetting {

  // the gateway serves its last routes while the store is away (see RouteTableHealth)
  @Setting(
      defaultValue = "false",
      doc = "the gateway stays ready while its watch cannot reach the store")
  public static final String WATCH_READINESS = StoreSetting.WATCH_READINESS;

  @Setting(
      defaultValue = "keywatch-proxy-routes.json",
      doc = "where the last route table is kept, to start without PostgreSQL")
  public static final String SNAPSHOT_FILE = "keywatch.proxy.snapshot-file";

  @Setting(
      defaultValue = "PT0.5S",
      doc = "how long after a change the file is rewritten (later changes join)")
  public static final String SNAPSHOT_DELAY = "keywatch.proxy.snapshot-delay";

  @Setting(
      defaultValue = "PT60S",
      doc = "how long an upstream may stay silent or stop reading, for routes without a timeout")
  public static final String TIMEOUT = "keywatch.proxy.timeout";

  @Setting(defaultValue = "PT5S", doc = "how long connecting to an upstream may take")
  public static final String CONNECT_TIMEOUT = "keywatch.proxy.connect-timeout";

  @Setting(
      defaultValue = "1024",
      doc =
          "connections open to one upstream at most; as many requests again may wait for one,"
              + " more are refused with 503")
  public static final String POOL_MAX_CONNECTIONS = "keywatch.proxy.pool.max-connections";

  // below the shortest keep-alive timeout common upstreams use (Node.js: 5 s), so a connection the
  // upstream is about to close is seldom picked; under load connections are reused within ms
  @Setting(defaultValue = "PT4S", doc = "a keep-alive connection idle for this long is closed")
  public static final String POOL_IDLE_TIMEOUT = "keywatch.proxy.pool.idle-timeout";

  @Setting(defaultValue = "65536", doc = "the largest upstream response head accepted, in bytes")
  public static final String MAX_RESPONSE_HEADER_BYTES = "keywatch.proxy.max-response-header-bytes";

  @Setting(defaultValue = "16384", doc = "bytes read at a time from a client or an upstream")
  public static final String BUFFER_SIZE = "keywatch.proxy.buffer-size";

  @Setting(
      defaultValue = "PT60S",
      doc =
          "how long a request body may stay silent (nginx's client_body_timeout); longer is 408"
              + " and the connection closed")
  public static final String BODY_TIMEOUT = "keywatch.proxy.body-timeout";

  // below the container's own limit on a request head (header-buffer-length-bytes, 64 KiB in
  // proxy-pre-boot.asadmin), which answers a bare 400 above it
  @Setting(
      defaultValue = "8192",
      doc = "the longest request target (path and query) forwarded, in bytes; longer is 414")
  public static final String MAX_URI_BYTES = "keywatch.proxy.max-uri-bytes";

  @Setting(defaultValue = "32768", doc = "the most request header bytes forwarded; more is 431")
  public static final String MAX_HEADER_BYTES = "keywatch.proxy.max-header-bytes";

  @Setting(
      doc =
          "CIDR blocks (comma-separated) of the proxies in front whose forwarding headers are kept"
              + " and appended to; from any other peer they are replaced")
  public static final String TRUSTED_PROXIES = "keywatch.proxy.trusted-proxies";

  @Setting(
      doc =
          "the CAs an https upstream's certificate must lead to: a PEM bundle or a PKCS12 file;"
              + " unset, the JVM's trust store")
  public static final String TRUST_STORE = "keywatch.proxy.trust-store";

  @Setting(doc = "the password of a PKCS12 trust store, if it has one")
  public static final String TRUST_STORE_PASSWORD = "keywatch.proxy.trust-store-password";

  // nginx's fail_timeout
  @Setting(
      defaultValue = "PT10S",
      doc =
          "how long a node that failed the passive check (checks.passive.unhealthy in a row) is"
              + " left out before it is tried again")
  public static final String CHECKS_PASSIVE_OUT_FOR = "keywatch.proxy.checks.passive-out-for";

  @Setting(
      defaultValue = "PT0.1S",
      doc = "how often due active probes (checks.active) are sent: the finest interval they keep")
  public static final String CHECKS_ACTIVE_TICK = "keywatch.proxy.checks.active-tick";

  // the fan-out tier: PostgreSQL then sees the admins' LISTENs only
  @Setting(
      doc =
          "admin servers (base URLs, comma-separated, tried in turn) whose watch stream the"
              + " gateway follows instead of PostgreSQL; unset: it follows the database itself")
  public static final String FEED = "keywatch.proxy.feed";

  @Setting(
      doc = "the admins' read-only feed key (their keywatch.watch.feed-key), never the API key")
  public static final String FEED_KEY = "keywatch.proxy.feed-key";

  // on by default, as nginx's access_log; the benchmark turns it off
  @Setting(
      defaultValue = "true",
      doc = "one line per request on the logger keywatch.access (route, node, status, durations)")
  public static final String ACCESS_LOG = "keywatch.proxy.access-log";

  private GatewaySetting() {}
}
