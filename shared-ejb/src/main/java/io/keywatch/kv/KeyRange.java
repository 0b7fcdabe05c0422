package io.keywatch.kv;

/**
 * A range of keys as etcd names it: {@code key} alone (an empty {@code rangeEnd}) is that key;
 * {@code rangeEnd} {@link #FROM_KEY} ("\0") is every key from {@code key} on; any other {@code
 * rangeEnd} is the half-open interval [key, rangeEnd). Bounds compare as UTF-8 bytes, i.e. by code
 * point (the {@code kv.key} column's collation is "C"), and need not be valid keys themselves:
 * etcdctl sends "\0" as the key of "every key".
 *
 * <p>{@link #from()} and {@link #to()} give the same set as [from, to) with two plain strings,
 * which is what an index range scan needs. That relies on two rules of {@link Keys}: a stored key
 * holds no control character, so "\0" and everything after it in a bound can be replaced by
 * U+0001 (a key is above "p\0..." exactly when it is above "p", i.e. at or above "p\u0001"); and
 * it holds no undefined code point, so U+10FFFF is above every key.
 */
public record KeyRange(String key, String rangeEnd) {

  /** The {@code rangeEnd} that means "every key from {@code key} on". */
  public static final String FROM_KEY = "\0";

  private static final String ABOVE_EVERY_KEY = new String(Character.toChars(Character.MAX_CODE_POINT));
  private static final String BELOW_EVERY_LONGER = "\u0001";

  public KeyRange {
    if (key == null || key.isEmpty()) {
      throw new InvalidRequestException(InvalidRequestException.Reason.EMPTY_KEY);
    }
    rangeEnd = rangeEnd == null ? "" : rangeEnd;
  }

  public static KeyRange single(String key) {
    return new KeyRange(key, "");
  }

  /** Every key that starts with {@code prefix}. */
  public static KeyRange prefix(String prefix) {
    int last = prefix.codePointBefore(prefix.length());
    return new KeyRange(prefix, prefix.substring(0, prefix.length() - Character.charCount(last))
        + new String(Character.toChars(last + 1)));
  }

  public boolean isSingleKey() {
    return rangeEnd.isEmpty();
  }

  public boolean isFromKey() {
    return rangeEnd.equals(FROM_KEY);
  }

  /** The least string at or below every key of the range (inclusive lower bound). */
  public String from() {
    return cutAtNul(key);
  }

  /** The least string above every key of the range (exclusive upper bound). */
  public String to() {
    if (isSingleKey()) {
      return cutAtNul(key) + BELOW_EVERY_LONGER;
    }
    return isFromKey() ? ABOVE_EVERY_KEY : cutAtNul(rangeEnd);
  }

  /** Whether {@code k} lies in the range, comparing as etcd does (bytes, i.e. code points). */
  public boolean contains(String k) {
    if (isSingleKey()) {
      return k.equals(key);
    }
    return compare(key, k) <= 0 && (isFromKey() || compare(k, rangeEnd) < 0);
  }

  /** Code point order, which is UTF-8 byte order (String.compareTo orders UTF-16 units). */
  public static int compare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  private static String cutAtNul(String bound) {
    int nul = bound.indexOf('\0');
    return nul < 0 ? bound : bound.substring(0, nul) + BELOW_EVERY_LONGER;
  }
}
