package io.keywatch.proxy.forward;

import static io.keywatch.proxy.forward.GrizzlyRequest.method;

import jakarta.servlet.ServletRequest;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps a malformed Host header from failing inside the container. Payara parses Host before any
 * filter runs (to pick the virtual server): {@code Host: a: 80} throws in Grizzly's host parser and
 * an empty Host in its mapper, each logged as SEVERE with a stack trace, and the client gets an
 * empty 200. So a Grizzly probe, called for each request before the container handles it, checks
 * the Host headers ({@link RequestSyntax#isHost}, exactly one); a request that fails gets a
 * harmless Host and a request attribute, which {@link ForwardingFilter} answers with 400.
 *
 * <p>The probe is added to the listener's {@code HttpServerFilter} on the first request that comes
 * through it (the launcher's readiness probe, before the gateway is announced), reached under
 * Payara's request ({@link GrizzlyRequest}): {@code getHttpFilter().getMonitoringConfig()
 * .addProbes(...)}. Its interface lives in the container, hence a dynamic proxy.
 */
final class HostHeaderGuard {

  /** The request attribute that says the Host headers were malformed or repeated. */
  static final String MALFORMED = HostHeaderGuard.class.getName() + ".malformed";

  /** What the container gets instead (RFC 6761 reserves .invalid). */
  private static final String STAND_IN = "malformed-host.invalid";

  private static final Logger LOG = Logger.getLogger(HostHeaderGuard.class.getName());
  private static final String REQUEST = "org.glassfish.grizzly.http.server.Request";
  private static final String MIME_HEADERS = "org.glassfish.grizzly.http.util.MimeHeaders";

  /** The listeners' filters the probe is on; replaced, never changed, under the class's lock. */
  private static volatile Object[] guarded = {};

  private static volatile Method httpFilter;
  private static volatile boolean unavailable;

  private HostHeaderGuard() {}

  /** Whether the probe found this request's Host headers malformed or repeated. */
  static boolean malformed(ServletRequest req) {
    return req.getAttribute(MALFORMED) != null;
  }

  /** Puts the probe on the listener this request came through, unless it is there already. */
  static void guard(ServletRequest req) {
    if (unavailable) {
      return;
    }
    try {
      Object coyote = GrizzlyRequest.of(req);
      Method m = httpFilter;
      if (m == null) {
        httpFilter = m = method(coyote, REQUEST, "getHttpFilter");
      }
      Object filter = m.invoke(coyote);
      if (filter == null || isGuarded(filter)) {
        return;
      }
      synchronized (HostHeaderGuard.class) {
        if (isGuarded(filter)) {
          return;
        }
        Object[] more = Arrays.copyOf(guarded, guarded.length + 1);
        more[guarded.length] = filter;
        guarded = more;
      }
      Object config =
          method(filter, "org.glassfish.grizzly.monitoring.MonitoringAware", "getMonitoringConfig")
              .invoke(filter);
      Class<?> probeType =
          coyote
              .getClass()
              .getClassLoader()
              .loadClass("org.glassfish.grizzly.http.server.HttpServerProbe");
      Object probes = Array.newInstance(probeType, 1);
      Array.set(
          probes,
          0,
          Proxy.newProxyInstance(
              probeType.getClassLoader(), new Class<?>[] {probeType}, new Probe(coyote)));
      method(
              config,
              "org.glassfish.grizzly.monitoring.MonitoringConfig",
              "addProbes",
              Object[].class)
          .invoke(config, probes);
      LOG.info(
          "HOST guard on the listener's HttpServerFilter: malformed Host headers are answered with 400");
    } catch (ReflectiveOperationException | RuntimeException e) {
      unavailable = true;
      LOG.log(Level.WARNING, "cannot check Host headers before this container parses them", e);
    }
  }

  private static boolean isGuarded(Object filter) {
    for (Object g : guarded) {
      if (g == filter) {
        return true;
      }
    }
    return false;
  }

  /**
   * The probe: on each request received, checks its Host headers through Grizzly's request ({@code
   * getRequest().getHeaders()}, a {@code MimeHeaders}); every other event is ignored.
   */
  private static final class Probe implements InvocationHandler {

    private final Method packet;
    private final Method headers;
    private final Method values;
    private final Method setValue;
    private final Method setString;
    private final Method setAttribute;

    Probe(Object coyote) throws ReflectiveOperationException {
      packet = method(coyote, REQUEST, "getRequest");
      setAttribute = method(coyote, REQUEST, "setAttribute", String.class, Object.class);
      headers = method(coyote, "org.glassfish.grizzly.http.HttpHeader", "getHeaders");
      values = method(coyote, MIME_HEADERS, "values", String.class);
      setValue = method(coyote, MIME_HEADERS, "setValue", String.class);
      setString =
          method(coyote, "org.glassfish.grizzly.http.util.DataChunk", "setString", String.class);
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) {
      switch (method.getName()) {
        case "onRequestReceiveEvent" -> {
          try {
            check(args[2]);
          } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(
                Level.WARNING,
                "cannot check the Host headers of a request",
                e); // never fail the container
          }
        }
        case "equals" -> {
          return proxy == args[0];
        }
        case "hashCode" -> {
          return System.identityHashCode(proxy);
        }
        case "toString" -> {
          return "HostHeaderGuard.Probe";
        }
        default -> {
          // other request events
        }
      }
      return null;
    }

    private void check(Object request) throws ReflectiveOperationException {
      Object h = headers.invoke(packet.invoke(request));
      int hosts = 0;
      boolean wellFormed = true;
      for (Object value : (Iterable<?>) values.invoke(h, "Host")) {
        hosts++;
        wellFormed &= RequestSyntax.isHost((String) value);
      }
      if (hosts > 1 || !wellFormed) {
        setString.invoke(setValue.invoke(h, "Host"), STAND_IN); // the Host the container reads
        setAttribute.invoke(request, MALFORMED, Boolean.TRUE);
      }
    }
  }
}
