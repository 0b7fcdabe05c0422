package io.keywatch.kv;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A range of keys as etcd names it: {@code key} alone (an empty {@code rangeEnd}) is that key;
 * {@code rangeEnd} {@link #FROM_KEY} ("\0") is every key from {@code key} on; any other {@code
 * rangeEnd} is the half-open interval [key, rangeEnd). Bounds compare as UTF-8 bytes, i.e. by code
 * point (the {@code kv.key} column's collation is "C"), and need not be valid keys themselves:
 * etcdctl sends "\0" as the key of "every key".
 *
 * <p>{@link #from()} and {@link #to()} give the same set as [from, to) with two plain strings,
 * which is what an index range scan needs. That relies on two rules of {@link Keys}: a stored key
 * holds no control character, so "\0" and everything after it in a bound can be replaced by U+0001
 * (a key is above "p\0..." exactly when it is above "p", i.e. at or above "p\u0001"); and it holds
 * no undefined code point, so U+10FFFF is above every key.
 */
public record KeyRange(String key, String rangeEnd) {

  /** The {@code rangeEnd} that means "every key from {@code key} on". */
  public static final String FROM_KEY = "\0";

  private static final String ABOVE_EVERY_KEY =
      new String(Character.toChars(Character.MAX_CODE_POINT));
  private static final String BELOW_EVERY_LONGER = "\u0001";

  public KeyRange {
    if (key == null || key.isEmpty()) {
      throw new InvalidRequestException(InvalidRequestException.Reason.EMPTY_KEY);
    }
    rangeEnd = rangeEnd == null ? "" : rangeEnd;
  }

  /**
   * A range given as etcd's bytes. Stored keys are valid UTF-8 ({@link Keys}), so a bound that is
   * not is replaced by the least valid string at or above it, which bounds exactly the same keys; a
   * single key that is not valid UTF-8 is an empty range. (Decoding with replacement characters
   * instead would misplace such bounds: U+FFFD sorts below the bytes F0 to FF.)
   */
  public static KeyRange ofBytes(byte[] key, byte[] rangeEnd) {
    if (key.length == 0) {
      throw new InvalidRequestException(InvalidRequestException.Reason.EMPTY_KEY);
    }
    String from = ceiling(key);
    if (rangeEnd.length == 0) {
      return valid(key) ? single(from) : new KeyRange(from, from);
    }
    return new KeyRange(
        from, rangeEnd.length == 1 && rangeEnd[0] == 0 ? FROM_KEY : ceiling(rangeEnd));
  }

  public static KeyRange single(String key) {
    return new KeyRange(key, "");
  }

  /** Every key that starts with {@code prefix}. */
  public static KeyRange prefix(String prefix) {
    int last = prefix.codePointBefore(prefix.length());
    return new KeyRange(
        prefix,
        prefix.substring(0, prefix.length() - Character.charCount(last))
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

  private static boolean valid(byte[] bytes) {
    return validPrefix(bytes) == bytes.length;
  }

  /** The length of the longest prefix that is whole UTF-8 characters. */
  private static int validPrefix(byte[] bytes) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    decoder.decode(in, CharBuffer.allocate(bytes.length), true);
    return in.position();
  }

  /**
   * The least valid UTF-8 string at or above {@code bytes}: their valid prefix P, then the least
   * character whose encoding is above the invalid rest (encodings sort as code points, so a binary
   * search finds it); if the rest is above every character, the least string above all that start
   * with P. Above everything: U+10FFFF, above every key.
   */
  static String ceiling(byte[] bytes) {
    int valid = validPrefix(bytes);
    String prefix = new String(bytes, 0, valid, StandardCharsets.UTF_8);
    if (valid == bytes.length) {
      return prefix;
    }
    byte[] rest = Arrays.copyOfRange(bytes, valid, bytes.length);
    int low = 0;
    int high = Character.MAX_CODE_POINT + 1;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (Arrays.compareUnsigned(encode(mid), rest) > 0) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    if (low <= Character.MAX_CODE_POINT) {
      return prefix + new String(Character.toChars(low >= 0xD800 && low <= 0xDFFF ? 0xE000 : low));
    }
    while (!prefix.isEmpty()) {
      int last = prefix.codePointBefore(prefix.length());
      prefix = prefix.substring(0, prefix.length() - Character.charCount(last));
      if (last < Character.MAX_CODE_POINT) {
        return prefix + new String(Character.toChars(last == 0xD7FF ? 0xE000 : last + 1));
      }
    }
    return ABOVE_EVERY_KEY;
  }

  /** UTF-8 of a code point, surrogates included (they sort between U+D7FF and U+E000). */
  private static byte[] encode(int c) {
    if (c < 0x80) {
      return new byte[] {(byte) c};
    }
    if (c < 0x800) {
      return new byte[] {(byte) (0xC0 | c >> 6), (byte) (0x80 | c & 0x3F)};
    }
    if (c < 0x10000) {
      return new byte[] {
        (byte) (0xE0 | c >> 12), (byte) (0x80 | c >> 6 & 0x3F), (byte) (0x80 | c & 0x3F)
      };
    }
    return new byte[] {
      (byte) (0xF0 | c >> 18),
      (byte) (0x80 | c >> 12 & 0x3F),
      (byte) (0x80 | c >> 6 & 0x3F),
      (byte) (0x80 | c & 0x3F)
    };
  }

  private static String cutAtNul(String bound) {
    int nul = bound.indexOf('\0');
    return nul < 0 ? bound : bound.substring(0, nul) + BELOW_EVERY_LONGER;
  }
}
