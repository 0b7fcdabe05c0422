package io.keywatch.proxy.forward;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Enumeration;
import java.util.Set;
import org.eclipse.jetty.http.HttpFields;

/**
 * What the upstream is told about the client and how it came. From a trusted proxy ({@link
 * TrustedProxies}) its forwarding headers are kept and the gateway's hop appended; from anyone else
 * they are the gateway's own view of the connection, so a client cannot pass itself off as another:
 *
 * <pre>
 * header               trusted peer                  anyone else
 * X-Forwarded-For      its value, then the peer       the peer's address
 * X-Forwarded-Proto    kept, else the scheme          the scheme the client used
 * X-Forwarded-Host     kept, else Host                the client's Host
 * X-Forwarded-Port     kept, else the local port      the port the client connected to
 * X-Forwarded-Prefix   kept                           dropped (the gateway strips no prefix)
 * X-Real-IP            kept                           the peer's address, if the client sent one
 * Forwarded            kept, the gateway's element    the gateway's element, if the client sent one
 *                      appended (RFC 7239)
 * </pre>
 *
 * X-Real-IP and Forwarded are written only when the client sent one, so the common request carries
 * no more than the X-Forwarded headers. Costs per request: with no trusted proxies set, a few
 * header lookups; with some, one address parse besides.
 */
final class ForwardedHeaders {

  /** The request headers this class writes; the client's are never copied as they came. */
  static final Set<String> NAMES =
      Set.of(
          "x-forwarded-for",
          "x-forwarded-proto",
          "x-forwarded-host",
          "x-forwarded-port",
          "x-forwarded-prefix",
          "x-real-ip",
          "forwarded");

  private final TrustedProxies trusted;

  ForwardedHeaders(TrustedProxies trusted) {
    this.trusted = trusted;
  }

  void write(HttpServletRequest req, HttpFields.Mutable h) {
    String peer = req.getRemoteAddr();
    String host = req.getHeader("Host");
    String proto = req.getScheme();
    boolean trust = trusted.trusts(peer);
    String forwardedFor = trust ? joined(req, "X-Forwarded-For") : null;
    h.put("X-Forwarded-For", forwardedFor == null ? peer : forwardedFor + ", " + peer);
    if (!trust || !copy(req, "X-Forwarded-Proto", h)) {
      h.put("X-Forwarded-Proto", proto);
    }
    if ((!trust || !copy(req, "X-Forwarded-Host", h)) && host != null) {
      h.put("X-Forwarded-Host", host);
    }
    if (!trust || !copy(req, "X-Forwarded-Port", h)) {
      h.put("X-Forwarded-Port", Integer.toString(req.getLocalPort()));
    }
    if (trust) {
      copy(req, "X-Forwarded-Prefix", h);
    }
    if ((!trust || !copy(req, "X-Real-IP", h)) && req.getHeader("X-Real-IP") != null) {
      h.put("X-Real-IP", peer);
    }
    String forwarded =
        req.getHeader("Forwarded") == null ? null : trust ? joined(req, "Forwarded") : "";
    if (forwarded != null) {
      h.put(
          "Forwarded", (forwarded.isEmpty() ? "" : forwarded + ", ") + element(peer, host, proto));
    }
  }

  /** The gateway's hop as a Forwarded element: {@code for=...;host="...";proto=...}. */
  private static String element(String peer, String host, String proto) {
    StringBuilder e = new StringBuilder("for=");
    if (peer.indexOf(':') >= 0) {
      e.append("\"[").append(peer).append("]\""); // an IPv6 node is bracketed and quoted
    } else {
      e.append(peer);
    }
    if (host != null) {
      e.append(";host=\"");
      for (int i = 0; i < host.length(); i++) {
        char c = host.charAt(i);
        if (c == '"' || c == '\\') {
          e.append('\\');
        }
        e.append(c);
      }
      e.append('"');
    }
    return e.append(";proto=").append(proto).toString();
  }

  /** Every value of the header, joined as one list; null if the client sent none. */
  private static String joined(HttpServletRequest req, String name) {
    Enumeration<String> values = req.getHeaders(name);
    if (values == null || !values.hasMoreElements()) {
      return null;
    }
    String first = values.nextElement();
    if (!values.hasMoreElements()) {
      return first;
    }
    StringBuilder all = new StringBuilder(first);
    while (values.hasMoreElements()) {
      all.append(", ").append(values.nextElement());
    }
    return all.toString();
  }

  /** Copies the client's values of the header; whether it had any. */
  private static boolean copy(HttpServletRequest req, String name, HttpFields.Mutable h) {
    Enumeration<String> values = req.getHeaders(name);
    boolean any = false;
    while (values != null && values.hasMoreElements()) {
      h.add(name, values.nextElement());
      any = true;
    }
    return any;
  }
}
