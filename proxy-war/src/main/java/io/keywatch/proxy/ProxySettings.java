package io.keywatch.proxy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every setting of the proxy, in one place. Each is a MicroProfile Config property and so can be
 * set by the environment variable named beside it; defaults live in this module's {@code
 * META-INF/microprofile-config.properties}.
 */
@ApplicationScoped
public class ProxySettings {

  /**
   * KEYWATCH_PROXY_SNAPSHOT_FILE: where the last route table is kept, to start without PostgreSQL.
   */
  @Inject
  @ConfigProperty(name = "keywatch.proxy.snapshot-file")
  String snapshotFile;

  /**
   * KEYWATCH_PROXY_SNAPSHOT_DELAY: how long after a change the file is rewritten (later changes
   * join).
   */
  @Inject
  @ConfigProperty(name = "keywatch.proxy.snapshot-delay")
  Duration snapshotDelay;

  /**
   * KEYWATCH_PROXY_TIMEOUT: how long an upstream may stay silent or stop reading, for routes
   * without a timeout.
   */
  @Inject
  @ConfigProperty(name = "keywatch.proxy.timeout")
  Duration timeout;

  /** KEYWATCH_PROXY_CONNECT_TIMEOUT: how long connecting to an upstream may take. */
  @Inject
  @ConfigProperty(name = "keywatch.proxy.connect-timeout")
  Duration connectTimeout;

  /**
   * KEYWATCH_PROXY_POOL_MAX_CONNECTIONS: connections open to one upstream at most; as many requests
   * again may wait for one, more are refused with 503.
   */
  @Inject
  @ConfigProperty(name = "keywatch.proxy.pool.max-connections")
  int maxConnections;

  /** KEYWATCH_PROXY_POOL_IDLE_TIMEOUT: a keep-alive connection idle for this long is closed. */
  @Inject
  @ConfigProperty(name = "keywatch.proxy.pool.idle-timeout")
  Duration idleTimeout;

  /** KEYWATCH_PROXY_MAX_RESPONSE_HEADER_BYTES: the largest upstream response head accepted. */
  @Inject
  @ConfigProperty(name = "keywatch.proxy.max-response-header-bytes")
  int maxResponseHeaderBytes;

  /** KEYWATCH_PROXY_BUFFER_SIZE: bytes read at a time from a client or an upstream. */
  @Inject
  @ConfigProperty(name = "keywatch.proxy.buffer-size")
  int bufferSize;

  /**
   * KEYWATCH_PROXY_BODY_TIMEOUT: how long a request body may stay silent (nginx's
   * client_body_timeout); longer is 408 and the connection closed.
   */
  @Inject
  @ConfigProperty(name = "keywatch.proxy.body-timeout")
  Duration bodyTimeout;

  /**
   * KEYWATCH_PROXY_MAX_URI_BYTES: the longest request target (path and query) forwarded; longer is
   * 414.
   */
  @Inject
  @ConfigProperty(name = "keywatch.proxy.max-uri-bytes")
  int maxUriBytes;

  /** KEYWATCH_PROXY_MAX_HEADER_BYTES: the most request header bytes forwarded; more is 431. */
  @Inject
  @ConfigProperty(name = "keywatch.proxy.max-header-bytes")
  int maxHeaderBytes;

  /**
   * KEYWATCH_PROXY_TRUSTED_PROXIES: CIDR blocks (IPv4 or IPv6, comma-separated) of the proxies in
   * front of the gateway whose forwarding headers are kept and appended to; from any other peer
   * they are replaced by the gateway's own view. None by default. (A string, split here: Payara
   * cannot inject an {@code Optional<List<String>>}, ClassCastException at deployment.)
   */
  @Inject
  @ConfigProperty(name = "keywatch.proxy.trusted-proxies")
  Optional<String> trustedProxies;

  /**
   * KEYWATCH_PROXY_CHECKS_PASSIVE_OUT_FOR: how long a node stays out after the passive check
   * counted enough failures in a row (nginx's fail_timeout); it is then tried again.
   */
  @Inject
  @ConfigProperty(name = "keywatch.proxy.checks.passive-out-for")
  Duration passiveOutFor;

  /**
   * KEYWATCH_PROXY_CHECKS_ACTIVE_TICK: how often the active checker looks for probes that are due;
   * the finest interval an active check can keep.
   */
  @Inject
  @ConfigProperty(name = "keywatch.proxy.checks.active-tick")
  Duration activeTick;

  public Path snapshotFile() {
    return Path.of(snapshotFile);
  }

  public Duration snapshotDelay() {
    return snapshotDelay;
  }

  public Duration passiveOutFor() {
    return passiveOutFor;
  }

  public Duration activeTick() {
    return activeTick;
  }

  public Duration timeout() {
    return timeout;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  public int maxConnections() {
    return maxConnections;
  }

  public Duration idleTimeout() {
    return idleTimeout;
  }

  public int maxResponseHeaderBytes() {
    return maxResponseHeaderBytes;
  }

  public int bufferSize() {
    return bufferSize;
  }

  public Duration bodyTimeout() {
    return bodyTimeout;
  }

  public int maxUriBytes() {
    return maxUriBytes;
  }

  public int maxHeaderBytes() {
    return maxHeaderBytes;
  }

  public List<String> trustedProxies() {
    return trustedProxies.map(list -> List.of(list.split(","))).orElse(List.of());
  }
}
