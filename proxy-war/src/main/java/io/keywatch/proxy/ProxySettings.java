package io.keywatch.proxy;

import io.keywatch.settings.GatewaySetting;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The settings of the gateway, injected. Each is declared, with its default and what it is for, in
 * {@link GatewaySetting}; {@link GatewayDefaults} serves the defaults.
 */
@ApplicationScoped
public class ProxySettings {

  @Inject
  @ConfigProperty(name = GatewaySetting.SNAPSHOT_FILE)
  String snapshotFile;

  @Inject
  @ConfigProperty(name = GatewaySetting.SNAPSHOT_DELAY)
  Duration snapshotDelay;

  @Inject
  @ConfigProperty(name = GatewaySetting.TIMEOUT)
  Duration timeout;

  @Inject
  @ConfigProperty(name = GatewaySetting.CONNECT_TIMEOUT)
  Duration connectTimeout;

  @Inject
  @ConfigProperty(name = GatewaySetting.POOL_MAX_CONNECTIONS)
  int maxConnections;

  @Inject
  @ConfigProperty(name = GatewaySetting.POOL_IDLE_TIMEOUT)
  Duration idleTimeout;

  @Inject
  @ConfigProperty(name = GatewaySetting.MAX_RESPONSE_HEADER_BYTES)
  int maxResponseHeaderBytes;

  @Inject
  @ConfigProperty(name = GatewaySetting.BUFFER_SIZE)
  int bufferSize;

  @Inject
  @ConfigProperty(name = GatewaySetting.BODY_TIMEOUT)
  Duration bodyTimeout;

  @Inject
  @ConfigProperty(name = GatewaySetting.MAX_URI_BYTES)
  int maxUriBytes;

  @Inject
  @ConfigProperty(name = GatewaySetting.MAX_HEADER_BYTES)
  int maxHeaderBytes;

  @Inject
  @ConfigProperty(name = GatewaySetting.TRUSTED_PROXIES)
  Optional<String> trustedProxies; // split here: Payara cannot inject Optional<List<String>>

  // a PEM bundle, as nginx's proxy_ssl_trusted_certificate and APISIX's ssl_trusted_certificate
  @Inject
  @ConfigProperty(name = GatewaySetting.TRUST_STORE)
  Optional<String> trustStore;

  @Inject
  @ConfigProperty(name = GatewaySetting.TRUST_STORE_PASSWORD)
  Optional<String> trustStorePassword;

  @Inject
  @ConfigProperty(name = GatewaySetting.FEED)
  Optional<String> feed;

  @Inject
  @ConfigProperty(name = GatewaySetting.FEED_KEY)
  Optional<String> feedKey;

  public List<URI> feed() {
    return feed.map(
            list ->
                Arrays.stream(list.split(","))
                    .map(String::trim)
                    .filter(u -> !u.isEmpty())
                    .map(u -> URI.create(u.endsWith("/") ? u : u + "/"))
                    .toList())
        .orElse(List.of());
  }

  public Optional<String> feedKey() {
    return feedKey.filter(k -> !k.isBlank());
  }

  @Inject
  @ConfigProperty(name = GatewaySetting.CHECKS_PASSIVE_OUT_FOR)
  Duration passiveOutFor;

  @Inject
  @ConfigProperty(name = GatewaySetting.CHECKS_ACTIVE_TICK)
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

  public Optional<Path> trustStore() {
    return trustStore.map(Path::of);
  }

  public Optional<String> trustStorePassword() {
    return trustStorePassword;
  }

  public List<String> trustedProxies() {
    return trustedProxies.map(list -> List.of(list.split(","))).orElse(List.of());
  }
}
