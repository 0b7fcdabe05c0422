package io.keywatch.proxy.forward;

import java.util.Enumeration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The headers that belong to one connection and are never forwarded (RFC 9110 section 7.6.1):
 * Connection and the headers it names, Keep-Alive, Proxy-*, TE, Trailer, Transfer-Encoding,
 * Upgrade. The proxy frames each side itself.
 */
final class HopByHop {

  private static final Set<String> ALWAYS =
      Set.of("connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade");

  /** A message without a Connection header, most of them: no set to build. */
  private static final HopByHop ALWAYS_ONLY = new HopByHop(Set.of());

  private final Set<String> named;

  private HopByHop(Set<String> named) {
    this.named = named;
  }

  /** The rule for one message, given the values of its Connection headers. */
  static HopByHop of(Enumeration<String> connectionValues) {
    if (!connectionValues.hasMoreElements()) {
      return ALWAYS_ONLY;
    }
    Set<String> named = new HashSet<>();
    while (connectionValues.hasMoreElements()) {
      for (String t : connectionValues.nextElement().split(",")) {
        named.add(t.strip().toLowerCase(Locale.ROOT));
      }
    }
    return new HopByHop(named);
  }

  /** Whether a header, by its lower-case name, stays on this hop. */
  boolean drops(String lowerName) {
    return ALWAYS.contains(lowerName)
        || lowerName.startsWith("proxy-")
        || named.contains(lowerName);
  }
}
