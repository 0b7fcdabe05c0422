package io.keywatch.kv;

import java.nio.charset.StandardCharsets;

/**
 * The rules every key and prefix obeys: it starts with {@code /}, is at most {@value #MAX_BYTES}
 * bytes of UTF-8, and holds no control characters (they break logs, headers and terminals). Unicode
 * is welcome; keys are compared byte by byte, as in etcd.
 */
public final class Keys {

  public static final int MAX_BYTES = 1024;

  private Keys() {}

  /**
   * A key may end with {@code /}, as in etcd: APISIX marks its directories with such keys ({@code
   * /apisix/routes/}). The admin REST API refuses them ({@code KeyRules}), where a trailing {@code
   * /} in a URL names a prefix.
   */
  public static String requireKey(String key) {
    check(key, "key");
    return key;
  }

  public static String requirePrefix(String prefix) {
    check(prefix, "prefix");
    return prefix;
  }

  private static void check(String s, String what) {
    if (s == null || s.isEmpty()) {
      throw new InvalidKeyException(what + " must not be empty");
    }
    if (s.charAt(0) != '/') {
      throw new InvalidKeyException(what + " must start with '/': " + quote(s));
    }
    if (s.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      throw new InvalidKeyException(what + " is longer than " + MAX_BYTES + " bytes");
    }
    if (s.codePoints().anyMatch(c -> Character.isISOControl(c) || c == 0xFFFD)) {
      throw new InvalidKeyException(what + " must not contain control characters: " + quote(s));
    }
    if (!s.codePoints().allMatch(Character::isDefined) || hasLoneSurrogate(s)) {
      throw new InvalidKeyException(what + " is not valid Unicode");
    }
  }

  private static boolean hasLoneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return true;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    s.codePoints()
        .limit(80)
        .forEach(
            c ->
                b.append(
                    Character.isISOControl(c)
                        ? String.format("\\u%04x", c)
                        : Character.toString(c)));
    return b.append('"').toString();
  }
}
