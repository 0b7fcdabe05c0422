package io.keywatch.proxy.forward;

import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The status line of an upstream's answer, as the client gets it. Grizzly names only the statuses
 * of RFC 2616 and 308, 421, 431, and writes every other one as {@code CUSTOM} ({@code 429 CUSTOM}),
 * and the Servlet API has no way to name a status since Servlet 6 dropped {@code setStatus(int,
 * String)}. So for those statuses the reason phrase is set on the Grizzly response underneath
 * ({@link GrizzlyResponse}): the registered name (IANA's HTTP status code registry, RFC 9110's
 * wording) if the status has one, else the upstream's own phrase. Statuses Grizzly names cost one
 * array lookup.
 */
final class StatusLine {

  private static final Logger LOG = Logger.getLogger(StatusLine.class.getName());

  /** Whether the container refused once already: said once, not for every answer. */
  private static volatile boolean refused;

  /** The statuses Grizzly's {@code HttpStatus} names itself. */
  private static final int[] NAMED_BY_CONTAINER = {
    100, 101, 200, 201, 202, 203, 204, 205, 206, 300, 301, 302, 303, 304, 305, 307, 308, 400, 401,
    402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 421, 431, 500,
    501, 502, 503, 504, 505
  };

  /**
   * The registered names of the other final statuses (418 is reserved, under its RFC 2324 name).
   */
  private static final Map<Integer, String> REGISTERED =
      Map.ofEntries(
          Map.entry(207, "Multi-Status"),
          Map.entry(208, "Already Reported"),
          Map.entry(226, "IM Used"),
          Map.entry(418, "I'm a teapot"),
          Map.entry(422, "Unprocessable Content"),
          Map.entry(423, "Locked"),
          Map.entry(424, "Failed Dependency"),
          Map.entry(425, "Too Early"),
          Map.entry(426, "Upgrade Required"),
          Map.entry(428, "Precondition Required"),
          Map.entry(429, "Too Many Requests"),
          Map.entry(451, "Unavailable For Legal Reasons"),
          Map.entry(506, "Variant Also Negotiates"),
          Map.entry(507, "Insufficient Storage"),
          Map.entry(508, "Loop Detected"),
          Map.entry(510, "Not Extended"),
          Map.entry(511, "Network Authentication Required"));

  /** By status (100 to 599): "" when the container names it, the registered name, or null. */
  private static final String[] PHRASES = new String[600];

  static {
    for (int status : NAMED_BY_CONTAINER) {
      PHRASES[status] = "";
    }
    REGISTERED.forEach((status, name) -> PHRASES[status] = name);
  }

  private StatusLine() {}

  /** Sets the status of {@code res}, named as said above; {@code upstreamReason} may be null. */
  static void set(HttpServletResponse res, int status, String upstreamReason) {
    res.setStatus(status);
    String phrase = status < PHRASES.length ? PHRASES[status] : null;
    if (phrase != null && phrase.isEmpty()) {
      return;
    }
    try {
      GrizzlyResponse.setStatus(res, status, phrase != null ? phrase : printable(upstreamReason));
    } catch (ReflectiveOperationException | RuntimeException e) {
      if (!refused) {
        refused = true;
        LOG.log(
            Level.WARNING,
            "cannot name status "
                + status
                + " on this container: statuses it does not know go out as it names them",
            e);
      }
    }
  }

  /**
   * The upstream's phrase if it is printable ASCII (it is copied into our status line), else none.
   */
  private static String printable(String reason) {
    if (reason == null) {
      return "";
    }
    for (int i = 0; i < reason.length(); i++) {
      char c = reason.charAt(i);
      if ((c < 0x20 && c != '\t') || c > 0x7e) {
        return "";
      }
    }
    return reason;
  }
}
