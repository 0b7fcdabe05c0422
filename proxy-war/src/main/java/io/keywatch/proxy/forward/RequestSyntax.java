package io.keywatch.proxy.forward;

/**
 * The grammar a request's parts must follow before anything of it is routed or forwarded. The
 * container (Grizzly) is lenient: it takes a method up to the first space even across CR/LF, and
 * passes control bytes in the method, the path (h2's {@code :path} too) and header values on
 * unchanged. The upstream client writes those parts as they are, so each is checked here against
 * its rule (RFC 9110, RFC 3986), and an upstream request is only ever built from parts that passed.
 *
 * <p>Each check is one pass over the characters with a lookup table: no regular expression and no
 * allocation, as it runs on every request.
 */
final class RequestSyntax {

  /** RFC 9110 section 5.6.2: {@code tchar}. */
  private static final boolean[] TCHAR = table("!#$%&'*+-.^_`|~");

  /** RFC 3986 {@code pchar} without {@code %} (checked with its two hex digits), plus {@code /}. */
  private static final boolean[] PATH = table("-._~!$&'()*+,;=:@/");

  /**
   * RFC 3986 {@code query}: {@code pchar}, {@code /} and {@code ?}; and {@code [ ]}, RFC 3986
   * characters that browsers leave unencoded there ({@code ids[]=1}).
   */
  private static final boolean[] QUERY = table("-._~!$&'()*+,;=:@/?[]");

  /** RFC 3986 {@code reg-name} and {@code IP-literal} characters of a Host, without the port. */
  private static final boolean[] HOST = table("-._~!$&'()*+,;=[]:");

  private RequestSyntax() {}

  private static boolean[] table(String punctuation) {
    boolean[] t = new boolean[128];
    for (char c = '0'; c <= '9'; c++) {
      t[c] = true;
    }
    for (char c = 'a'; c <= 'z'; c++) {
      t[c] = true;
      t[c - 'a' + 'A'] = true;
    }
    for (char c : punctuation.toCharArray()) {
      t[c] = true;
    }
    return t;
  }

  private static boolean in(boolean[] table, char c) {
    return c < 128 && table[c];
  }

  /** A method or a header name: one or more {@code tchar}s. */
  static boolean isToken(String s) {
    if (s == null || s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!in(TCHAR, s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * A header value: visible characters, spaces and tabs, and obs-text (RFC 9110 section 5.5); no
   * other control character, so no CR, LF or NUL.
   */
  static boolean isFieldValue(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
        return false;
      }
    }
    return true;
  }

  /**
   * A Host header: {@code uri-host [ ":" port ]} (RFC 9110 section 7.2), the host not empty, the
   * port digits only: {@code a: 80}, {@code a x: y} or an empty value are not.
   */
  static boolean isHost(String s) {
    int colon = s.startsWith("[") ? s.indexOf(':', Math.max(s.indexOf(']'), 0)) : s.indexOf(':');
    int hostEnd = colon < 0 ? s.length() : colon;
    if (hostEnd == 0 || s.length() - hostEnd > 6) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = i < hostEnd ? in(HOST, c) || c == '%' : i == hostEnd || (c >= '0' && c <= '9');
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * Why a request-target cannot be forwarded, or null when it can: its path must be an absolute
   * path of RFC 3986 characters with well-formed percent-encodings and no dot segment, its query
   * RFC 3986 characters.
   *
   * <p>A dot segment is {@code .} or {@code ..}, each dot plain or as {@code %2e}, ended by {@code
   * /}, by the end of the path, by {@code ;} (servlet containers drop path parameters, so {@code
   * ..;/} climbs there) or by an encoded slash or backslash ({@code %2f}, {@code %5c}, which some
   * upstreams decode before they resolve the path): {@code /public/..%2fadmin} would be matched by
   * {@code /public/*} and served from {@code /admin}. Such a path is refused rather than guessed
   * at; an encoded slash inside a name ({@code /a%2Fb}) is passed on as it is.
   */
  static String targetProblem(String path, String query) {
    if (path.isEmpty() || path.charAt(0) != '/') {
      return "request target is not a path";
    }
    int dots = 0; // in the segment so far, while it holds nothing else; -1 once it does
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      boolean separator;
      if (c == '%') {
        if (!isPercentEncoded(path, i)) {
          return "request target with a malformed percent-encoding";
        }
        char h = path.charAt(i + 1);
        char l = Character.toLowerCase(path.charAt(i + 2));
        i += 2;
        if (h == '2' && l == 'e') {
          dots = dots < 0 ? -1 : dots + 1;
          continue;
        }
        separator = (h == '2' && l == 'f') || (h == '5' && l == 'c');
      } else if (!in(PATH, c)) {
        return "request target with a character outside RFC 3986";
      } else if (c == '.') {
        dots = dots < 0 ? -1 : dots + 1;
        continue;
      } else {
        separator = c == '/' || c == ';';
      }
      if (separator) {
        if (dots == 1 || dots == 2) {
          return "path with . or .. segments";
        }
        dots = c == ';' ? -1 : 0; // after ';' come parameters, up to the next '/'
      } else {
        dots = -1;
      }
    }
    if (dots == 1 || dots == 2) {
      return "path with . or .. segments";
    }
    if (query != null) {
      for (int i = 0; i < query.length(); i++) {
        char c = query.charAt(i);
        if (c == '%' ? !isPercentEncoded(query, i) : !in(QUERY, c)) {
          return "request target with a character outside RFC 3986";
        }
      }
    }
    return null;
  }

  private static boolean isPercentEncoded(String s, int at) {
    return at + 2 < s.length() && isHex(s.charAt(at + 1)) && isHex(s.charAt(at + 2));
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
