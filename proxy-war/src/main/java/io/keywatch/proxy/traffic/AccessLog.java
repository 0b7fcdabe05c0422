package io.keywatch.proxy.traffic;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One line per request on the logger {@code keywatch.access}, so that operators can send it
 * elsewhere (a handler of its own in logging.properties): {@code key=value} pairs (logfmt), e.g.
 *
 * <pre>
 * ACCESS route=foo node=127.0.0.1:8080 method=GET path="/get" status=200 request_bytes=0
 *     bytes=312 ms=1.482 upstream_ms=1.203 client=127.0.0.1
 * </pre>
 *
 * (one line). {@code -} marks what a request did not have (no route, no node, no upstream answer).
 * Header values are never written (they carry API keys and cookies), nor the query (it may too).
 * What the client chose (method, path) is written bare when it is printable ASCII without quote or
 * backslash, else quoted with {@code \"}, {@code \\}, {@code \xHH} and {@code \}{@code uHHHH}
 * escapes: no byte of a request can end the line or fake a field.
 */
final class AccessLog {

  static final Logger LOG = Logger.getLogger("keywatch.access");

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private AccessLog() {}

  static boolean enabled() {
    return LOG.isLoggable(Level.INFO);
  }

  static void write(
      String route,
      String node,
      String method,
      String path,
      int status,
      long requestBytes,
      long responseBytes,
      long totalNanos,
      long upstreamNanos,
      String client) {
    StringBuilder b = new StringBuilder(160).append("ACCESS route=");
    b.append(route == null ? "-" : route).append(" node=").append(node == null ? "-" : node);
    value(b.append(" method="), method);
    value(b.append(" path="), path);
    b.append(" status=").append(status);
    b.append(" request_bytes=").append(requestBytes).append(" bytes=").append(responseBytes);
    millis(b.append(" ms="), totalNanos);
    millis(b.append(" upstream_ms="), upstreamNanos);
    value(b.append(" client="), client);
    LOG.info(b.toString());
  }

  /** Milliseconds with three decimals; {@code -} for a negative time (none). */
  private static void millis(StringBuilder b, long nanos) {
    if (nanos < 0) {
      b.append('-');
      return;
    }
    long micros = nanos / 1000;
    long fraction = micros % 1000;
    b.append(micros / 1000).append('.');
    if (fraction < 100) {
      b.append(fraction < 10 ? "00" : "0");
    }
    b.append(fraction);
  }

  /** A value as it came when it cannot be mistaken for another field, else quoted and escaped. */
  static void value(StringBuilder b, String s) {
    if (s == null || s.isEmpty()) {
      b.append('-');
      return;
    }
    if (bare(s)) {
      b.append(s);
      return;
    }
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f) {
        b.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
      } else if (c > 0x7f) {
        b.append("\\u")
            .append(HEX[c >> 12])
            .append(HEX[(c >> 8) & 0xf])
            .append(HEX[(c >> 4) & 0xf])
            .append(HEX[c & 0xf]);
      } else {
        b.append(c);
      }
    }
    b.append('"');
  }

  private static boolean bare(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= ' ' || c >= 0x7f || c == '"' || c == '\\') {
        return false;
      }
    }
    return !s.equals("-");
  }
}
