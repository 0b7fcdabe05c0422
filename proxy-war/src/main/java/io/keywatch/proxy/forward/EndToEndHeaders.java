package io.keywatch.proxy.forward;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.http.HttpFields;

/**
 * The client's headers that go upstream as they came, for a forwarded request and a WebSocket
 * handshake alike: all but the hop-by-hop ones ({@link HopByHop}), those the proxy writes itself
 * (Host, the body's framing, Expect) and the forwarding headers ({@link ForwardedHeaders}).
 */
final class EndToEndHeaders {

  /** Request headers the proxy writes itself. */
  private static final Set<String> SET_BY_PROXY = Set.of("host", "content-length", "expect");

  private EndToEndHeaders() {}

  static void copy(HttpServletRequest req, HttpFields.Mutable to) {
    HopByHop hop = HopByHop.of(req.getHeaders("Connection"));
    for (Enumeration<String> names = req.getHeaderNames(); names.hasMoreElements(); ) {
      String name = names.nextElement();
      String lower = name.toLowerCase(Locale.ROOT);
      if (hop.drops(lower)
          || SET_BY_PROXY.contains(lower)
          || ForwardedHeaders.NAMES.contains(lower)) {
        continue;
      }
      for (Enumeration<String> values = req.getHeaders(name); values.hasMoreElements(); ) {
        to.add(name, values.nextElement());
      }
    }
  }
}
