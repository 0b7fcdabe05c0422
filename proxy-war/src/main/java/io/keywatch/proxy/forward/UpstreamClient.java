package io.keywatch.proxy.forward;

import io.keywatch.proxy.ProxySettings;
import io.keywatch.proxy.matcher.Target;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The asynchronous HTTP/1.1 client the proxy talks to upstreams with: Jetty's, which keeps
 * keep-alive connections per upstream, notices the ones an upstream closed while they sat idle, and
 * never holds a thread while an upstream is silent. It is set up as a proxy's client, not a
 * browser's: no redirects followed, no cookies kept, no content decoded, no 100-continue or
 * authentication handled, no User-Agent added; what the upstream sends is what the client gets, but
 * for interim responses ({@link InterimResponses}). A connection that sends more than the answer to
 * its request is closed ({@link StrictHttpTransport}).
 *
 * <p>An https upstream's certificate must lead to a CA of {@code keywatch.proxy.trust-store} (else
 * the JVM's trust store) and name the upstream's host; the host is sent as SNI. A route with {@code
 * "tls": {"verify": false}} goes through a second client that checks neither, and still sends SNI:
 * Jetty pools connections per client, so a verified route never gets a connection that was not.
 */
@ApplicationScoped
public class UpstreamClient {

  @Inject ProxySettings settings;

  private HttpClient client;
  private volatile HttpClient unverified;
  private ForwardedHeaders forwardedHeaders;

  @PostConstruct
  void start() {
    forwardedHeaders = new ForwardedHeaders(TrustedProxies.of(settings.trustedProxies()));
    SslContextFactory.Client verifying = new SslContextFactory.Client();
    verifying.setEndpointIdentificationAlgorithm("HTTPS");
    settings
        .trustStore()
        .ifPresent(
            file ->
                verifying.setTrustStore(
                    UpstreamTrustStore.load(file, settings.trustStorePassword())));
    client = newClient(verifying, "keywatch-upstream");
  }

  /**
   * The client that checks no certificate, started for the first route that asks for it: Jetty
   * warns "Trusting all certificates" when it starts, which is true only once such a route exists.
   */
  private HttpClient unverified() {
    HttpClient u = unverified;
    if (u == null) {
      synchronized (this) {
        u = unverified;
        if (u == null) {
          SslContextFactory.Client trustingAll = new SslContextFactory.Client(true);
          trustingAll.setEndpointIdentificationAlgorithm(null);
          u = newClient(trustingAll, "keywatch-upstream-unverified");
          unverified = u;
        }
      }
    }
    return u;
  }

  private HttpClient newClient(SslContextFactory.Client tls, String name) {
    // Jetty's own pool: its selectors are long-running tasks a container-managed executor should
    // not hold. Small, as nothing run on it waits: a slow client or upstream costs no thread, only
    // a callback later
    QueuedThreadPool threads = new QueuedThreadPool(16, 2);
    threads.setName(name);
    threads.setDaemon(true);
    // the host as SNI even when it is no domain ("localhost", a single-label name), as nginx's
    // proxy_ssl_server_name sends it; the JDK alone sends none for those (never for an address)
    tls.setSNIProvider(SslContextFactory.Client.SniProvider.NON_DOMAIN_SNI_PROVIDER);
    HttpClient http = new HttpClient(new StrictHttpTransport());
    http.setSslContextFactory(tls);
    http.setExecutor(threads);
    http.setMaxConnectionsPerDestination(settings.maxConnections());
    http.setMaxRequestsQueuedPerDestination(settings.maxConnections());
    http.setIdleTimeout(settings.idleTimeout().toMillis());
    http.setConnectTimeout(settings.connectTimeout().toMillis());
    http.setMaxResponseHeadersSize(settings.maxResponseHeaderBytes());
    http.setRequestBufferSize(settings.bufferSize());
    http.setResponseBufferSize(settings.bufferSize());
    http.setFollowRedirects(false);
    http.setHttpCookieStore(new HttpCookieStore.Empty());
    http.setUserAgentField(null);
    http.setDefaultRequestContentType(null);
    try {
      http.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the upstream HTTP client", e);
    }
    // after start, which installs the defaults (gzip decoding and Accept-Encoding, redirects,
    // 100-continue)
    http.getContentDecoderFactories().clear();
    http.getProtocolHandlers().clear();
    http.getProtocolHandlers().put(new InterimResponses());
    return http;
  }

  @PreDestroy
  void stop() {
    try {
      client.stop();
      HttpClient u = unverified;
      if (u != null) {
        u.stop();
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the upstream HTTP client", e);
    }
  }

  /**
   * A TLS socket over a connected one, checked as the route's HTTP requests are (a WebSocket
   * tunnel's): the same trust store and host name check, or neither for {@code verify: false}.
   */
  Socket overTls(Socket plain, Target.Address a, boolean verify) throws IOException {
    SslContextFactory.Client tls = (verify ? client : unverified()).getSslContextFactory();
    SSLSocket socket =
        (SSLSocket)
            tls.getSslContext().getSocketFactory().createSocket(plain, a.host(), a.port(), true);
    SSLParameters p = socket.getSSLParameters();
    if (verify) {
      p.setEndpointIdentificationAlgorithm("HTTPS");
    }
    if (!a.host().contains(":") && !a.host().matches("[0-9.]+")) {
      p.setServerNames(List.of(new SNIHostName(a.host()))); // as NON_DOMAIN_SNI_PROVIDER does
    }
    socket.setSSLParameters(p);
    return socket;
  }

  /** What the upstreams are told about the client ({@code keywatch.proxy.trusted-proxies}). */
  ForwardedHeaders forwardedHeaders() {
    return forwardedHeaders;
  }

  /** The client's timer: deadlines that hold no thread (a request's, a request body's silence). */
  Scheduler scheduler() {
    return client.getScheduler();
  }

  /**
   * A request to an upstream node with the raw path and query as given; an upstream silent for
   * longer than {@code timeout}, while the proxy waits to send or to receive, fails it with a
   * {@link java.util.concurrent.TimeoutException}.
   */
  Request newRequest(
      Target.Address a, boolean verifyTls, String method, String pathAndQuery, Duration timeout) {
    HttpClient through = a.tls() && !verifyTls ? unverified() : client;
    return through
        .newRequest(a.host(), a.port())
        .scheme(a.tls() ? "https" : "http")
        .method(method)
        .path(pathAndQuery)
        .idleTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
