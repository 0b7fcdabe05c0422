package io.keywatch.admin.etcd;

import com.google.protobuf.ByteString;
import io.keywatch.kv.InvalidKeyException;
import io.keywatch.kv.Keys;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * etcd's key range [key, range_end) of a request, on a store that lists by prefix. An empty
 * range_end is the key alone; "\0" is every key from key on; anything else is the half-open range.
 * Every key in [key, range_end) starts with the longest common prefix of key and range_end, so
 * listing that {@link #listPrefix} and keeping what {@link #contains} gives exactly the range.
 *
 * <p>Example: key "/a/x", range_end "/a/z" lists "/a/" and keeps "/a/x" ≤ k < "/a/z"; the prefix
 * form "/a/" .. "/a0" lists "/a" and keeps what starts with "/a/".
 */
final class KeyRange {

  private static final ByteString FROM_KEY = ByteString.copyFrom(new byte[] {0});

  private final byte[] from;

  /** Null: no upper bound. */
  private final byte[] end;

  private final boolean single;

  private KeyRange(byte[] from, byte[] end, boolean single) {
    this.from = from;
    this.end = end;
    this.single = single;
  }

  static KeyRange of(ByteString key, ByteString rangeEnd) {
    if (rangeEnd.isEmpty()) {
      return new KeyRange(key.toByteArray(), null, true);
    }
    return new KeyRange(
        key.toByteArray(), rangeEnd.equals(FROM_KEY) ? null : rangeEnd.toByteArray(), false);
  }

  boolean isSingleKey() {
    return single;
  }

  /** The key of a single-key range, if the store could hold it (else nothing can match). */
  Optional<String> singleKey() {
    return decode(from).filter(KeyRange::isStoreKey);
  }

  /**
   * The prefix to list so as to see every key of the range; empty when no store key can be in it
   * (the common prefix holds a character no key may hold).
   */
  Optional<String> listPrefix() {
    int shared = end == null ? 0 : Arrays.mismatch(from, end);
    String prefix = longestDecodable(Arrays.copyOf(from, shared < 0 ? from.length : shared));
    if (!prefix.startsWith("/")) {
      return Optional.of("/");
    }
    try {
      return Optional.of(Keys.requirePrefix(prefix));
    } catch (InvalidKeyException e) {
      return Optional.empty();
    }
  }

  boolean contains(String key) {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    if (single) {
      return Arrays.equals(k, from);
    }
    return Arrays.compareUnsigned(k, from) >= 0
        && (end == null || Arrays.compareUnsigned(k, end) < 0);
  }

  /** The key as a store key: strict UTF-8, else empty (the store cannot hold it). */
  static Optional<String> decode(byte[] bytes) {
    try {
      return Optional.of(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  private static boolean isStoreKey(String key) {
    try {
      Keys.requireKey(key);
      return true;
    } catch (InvalidKeyException e) {
      return false;
    }
  }

  /** A common prefix may end inside a multi-byte character: drop that partial character. */
  private static String longestDecodable(byte[] bytes) {
    for (int cut = 0; cut <= Math.min(3, bytes.length); cut++) {
      Optional<String> s = decode(Arrays.copyOf(bytes, bytes.length - cut));
      if (s.isPresent()) {
        return s.get();
      }
    }
    return "";
  }
}
