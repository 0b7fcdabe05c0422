package io.keywatch.proxy.traffic;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

/**
 * The metrics of one route, tagged {@code route="<id>"}, or of the requests no route took: handles
 * registered once, so that a request updates them without a lookup by name and tags. A status
 * code's counter is registered when the code is first sent, so only codes seen are exported.
 */
final class RouteMeters {

  static final String ROUTE_TAG = "route";

  static final Metadata REQUESTS =
      Metadata.builder()
          .withName("keywatch_proxy_requests")
          .withDescription("requests answered, by route and the status code sent")
          .withUnit(MetricUnits.NONE)
          .build();

  static final Metadata REQUEST_BYTES =
      Metadata.builder()
          .withName("keywatch_proxy_request_bytes")
          .withDescription("request body bytes read from clients")
          .withUnit(MetricUnits.NONE)
          .build();

  static final Metadata RESPONSE_BYTES =
      Metadata.builder()
          .withName("keywatch_proxy_response_bytes")
          .withDescription("response body bytes sent to clients")
          .withUnit(MetricUnits.NONE)
          .build();

  static final Metadata UPSTREAM_ERRORS =
      Metadata.builder()
          .withName("keywatch_proxy_upstream_errors")
          .withDescription("tries on an upstream node that failed, by kind, retried or not")
          .withUnit(MetricUnits.NONE)
          .build();

  /** Named in the README's MP_METRICS_DISTRIBUTION_TIMER_BUCKETS example: change both. */
  static final Metadata UPSTREAM_TIME =
      Metadata.builder()
          .withName("keywatch_proxy_upstream")
          .withDescription(
              "from handing the request to the upstream client to the answer's head, retries"
                  + " included (nginx's $upstream_header_time)")
          .withUnit(MetricUnits.SECONDS)
          .build();

  private static final int CODES = 600;

  private final MetricRegistry registry;
  private final Tag route;
  private final AtomicReferenceArray<Counter> byCode = new AtomicReferenceArray<>(CODES);
  private final Counter requestBytes;
  private final Counter responseBytes;

  /** By {@link UpstreamError#ordinal()}; null for the requests no route took. */
  private final Counter[] errors;

  private final Timer upstream;

  /** Set once its series are removed: no code's counter may be registered again. */
  private boolean removed; // guarded by this

  private RouteMeters(MetricRegistry registry, String label, boolean routed) {
    this.registry = registry;
    this.route = new Tag(ROUTE_TAG, label);
    requestBytes = registry.counter(REQUEST_BYTES, route);
    responseBytes = registry.counter(RESPONSE_BYTES, route);
    if (routed) {
      UpstreamError[] kinds = UpstreamError.values();
      errors = new Counter[kinds.length];
      for (UpstreamError kind : kinds) {
        errors[kind.ordinal()] =
            registry.counter(UPSTREAM_ERRORS, route, new Tag("kind", kind.label));
      }
      upstream = registry.timer(UPSTREAM_TIME, route);
    } else {
      errors = null;
      upstream = null;
    }
  }

  static RouteMeters ofRoute(MetricRegistry registry, String id) {
    return new RouteMeters(registry, id, true);
  }

  static RouteMeters unrouted(MetricRegistry registry, String label) {
    return new RouteMeters(registry, label, false);
  }

  String route() {
    return route.getTagValue();
  }

  /**
   * @param upstreamNanos the upstream's part, or a negative number when no answer came from one
   */
  void answered(int status, long requestBodyBytes, long responseBodyBytes, long upstreamNanos) {
    Counter requests = requests(status);
    if (requests != null) {
      requests.inc();
    }
    if (requestBodyBytes > 0) {
      requestBytes.inc(requestBodyBytes);
    }
    if (responseBodyBytes > 0) {
      responseBytes.inc(responseBodyBytes);
    }
    if (upstreamNanos >= 0 && upstream != null) {
      upstream.update(Duration.ofNanos(upstreamNanos));
    }
  }

  void failed(UpstreamError kind) {
    if (errors != null) {
      errors[kind.ordinal()].inc();
    }
  }

  /**
   * Removes every series of the route from the registry; a request still running counts nowhere.
   */
  synchronized void remove() {
    removed = true;
    String label = route.getTagValue();
    registry.removeMatching(
        (id, metric) ->
            id.getName().startsWith("keywatch_proxy_")
                && label.equals(id.getTags().get(ROUTE_TAG)));
  }

  /** The counter of a status code, registered at its first use; null once removed. */
  private Counter requests(int status) {
    int code = status >= 0 && status < CODES ? status : 0; // servlet statuses have three digits
    Counter c = byCode.get(code);
    if (c == null) {
      synchronized (this) { // rare: once per code; never after remove()
        c = byCode.get(code);
        if (c == null && !removed) {
          c = registry.counter(REQUESTS, route, new Tag("code", Integer.toString(code)));
          byCode.set(code, c);
        }
      }
    }
    return c;
  }
}
