package io.keywatch.proxy.forward;

import io.keywatch.proxy.ProxySettings;
import io.keywatch.proxy.matcher.Target;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpCookieStore;
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
 */
@ApplicationScoped
public class UpstreamClient {

  @Inject ProxySettings settings;

  private HttpClient client;
  private ForwardedHeaders forwardedHeaders;

  @PostConstruct
  void start() {
    forwardedHeaders = new ForwardedHeaders(TrustedProxies.of(settings.trustedProxies()));
    // Jetty's own pool: its selectors are long-running tasks a container-managed executor should
    // not
    // hold. Small, as nothing run on it waits: a slow client or upstream costs no thread, only a
    // callback later
    QueuedThreadPool threads = new QueuedThreadPool(16, 2);
    threads.setName("keywatch-upstream");
    threads.setDaemon(true);
    client = new HttpClient(new StrictHttpTransport());
    client.setExecutor(threads);
    client.setMaxConnectionsPerDestination(settings.maxConnections());
    client.setMaxRequestsQueuedPerDestination(settings.maxConnections());
    client.setIdleTimeout(settings.idleTimeout().toMillis());
    client.setConnectTimeout(settings.connectTimeout().toMillis());
    client.setMaxResponseHeadersSize(settings.maxResponseHeaderBytes());
    client.setRequestBufferSize(settings.bufferSize());
    client.setResponseBufferSize(settings.bufferSize());
    client.setFollowRedirects(false);
    client.setHttpCookieStore(new HttpCookieStore.Empty());
    client.setUserAgentField(null);
    client.setDefaultRequestContentType(null);
    try {
      client.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the upstream HTTP client", e);
    }
    // after start, which installs the defaults (gzip decoding and Accept-Encoding, redirects,
    // 100-continue)
    client.getContentDecoderFactories().clear();
    client.getProtocolHandlers().clear();
    client.getProtocolHandlers().put(new InterimResponses());
  }

  @PreDestroy
  void stop() {
    try {
      client.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the upstream HTTP client", e);
    }
  }

  /** What the upstreams are told about the client ({@code keywatch.proxy.trusted-proxies}). */
  ForwardedHeaders forwardedHeaders() {
    return forwardedHeaders;
  }

  /** The upstream client's timer: deadlines that hold no thread (a request body's silence). */
  Scheduler scheduler() {
    return client.getScheduler();
  }

  /**
   * A request to the target's upstream with the raw path and query as given; an upstream silent for
   * longer than {@code timeout}, while the proxy waits to send or to receive, fails it with a
   * {@link java.util.concurrent.TimeoutException}.
   */
  Request newRequest(Target target, String method, String pathAndQuery, Duration timeout) {
    Target.Address a = target.address();
    return client
        .newRequest(a.host(), a.port())
        .scheme(a.tls() ? "https" : "http")
        .method(method)
        .path(pathAndQuery)
        .idleTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
