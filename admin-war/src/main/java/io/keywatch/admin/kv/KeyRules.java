package io.keywatch.admin.kv;

import io.keywatch.kv.InvalidKeyException;
import io.keywatch.kv.Keys;

/**
 * The store's key rules ({@link Keys}) plus the admin API's: no empty, {@code .} or {@code ..}
 * segment. Keys arrive in URL paths, where such segments are rewritten by clients and proxies
 * ({@code /kv/a/../b} reaches the server as {@code /kv/b}), so a key holding one could never be
 * addressed reliably and is refused everywhere, in bodies too.
 */
public final class KeyRules {

  private KeyRules() {}

  /** A key of the REST API must not end with {@code /}: in a URL that names a prefix. */
  public static String requireKey(String key) {
    Keys.requireKey(key);
    if (key.endsWith("/")) {
      throw new InvalidKeyException("key must not end with '/': " + key);
    }
    checkSegments(key, "key", false);
    return key;
  }

  /** A prefix may end with {@code /} (e.g. {@code /routes/}); a lone {@code /} means every key. */
  public static String requirePrefix(String prefix) {
    Keys.requirePrefix(prefix);
    checkSegments(prefix, "prefix", true);
    return prefix;
  }

  private static void checkSegments(String s, String what, boolean trailingSlash) {
    String rest = s.substring(1);
    if (rest.isEmpty()) {
      return; // the prefix "/"; the key "/" was refused by requireKey
    }
    if (trailingSlash && rest.endsWith("/")) {
      rest = rest.substring(0, rest.length() - 1);
    }
    for (String segment : rest.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new InvalidKeyException(
            what + " must not contain an empty, '.' or '..' segment: " + s);
      }
    }
  }
}
