package io.keywatch.proxy.matcher;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * An immutable hash map split into {@value #SHARDS} shards, so that a change copies only the shards
 * it touches instead of the whole map. With 40,000 routes a shard holds about 160 entries: a batch
 * of one change copies one shard (a few microseconds) where copying the map would take
 * milliseconds, which is what lets a burst of a thousand one-change batches apply within a second.
 *
 * <p>A shard is chosen by the top bits of a multiplicative hash, while {@link HashMap} buckets by
 * the low bits: keys of one shard still spread over its buckets.
 */
final class ShardedMap<K, V> {

  private static final int SHARD_BITS = 8;
  private static final int SHARDS = 1 << SHARD_BITS;
  private static final Map<?, ?> NONE = Map.of();

  @SuppressWarnings("rawtypes")
  private static final ShardedMap EMPTY = new ShardedMap<>(filled(), 0);

  /** Never written after construction; an empty shard is the shared {@link #NONE}. */
  private final Map<K, V>[] shards;

  private final int size;

  private ShardedMap(Map<K, V>[] shards, int size) {
    this.shards = shards;
    this.size = size;
  }

  @SuppressWarnings("unchecked")
  static <K, V> ShardedMap<K, V> empty() {
    return EMPTY;
  }

  V get(Object key) {
    return shards[shard(key)].get(key);
  }

  int size() {
    return size;
  }

  void forEach(BiConsumer<? super K, ? super V> action) {
    for (Map<K, V> s : shards) {
      s.forEach(action);
    }
  }

  Editor edit() {
    return new Editor();
  }

  /**
   * Collects changes; {@link #build()} copies each touched shard once, however many changes hit it.
   */
  final class Editor {
    private final Map<K, V>[] next = shards.clone();
    private final boolean[] copied = new boolean[SHARDS];
    private int nextSize = size;

    V get(Object key) {
      return next[shard(key)].get(key);
    }

    void put(K key, V value) {
      if (writable(shard(key)).put(key, value) == null) {
        nextSize++;
      }
    }

    void remove(Object key) {
      int i = shard(key);
      if (next[i].containsKey(key)) {
        writable(i).remove(key);
        nextSize--;
      }
    }

    ShardedMap<K, V> build() {
      for (int i = 0; i < SHARDS; i++) {
        if (copied[i] && next[i].isEmpty()) {
          next[i] = none();
        }
      }
      return new ShardedMap<>(next, nextSize);
    }

    private Map<K, V> writable(int i) {
      if (!copied[i]) {
        next[i] = new HashMap<>(next[i]);
        copied[i] = true;
      }
      return next[i];
    }
  }

  private static int shard(Object key) {
    return (key.hashCode() * 0x9E3779B9) >>> (Integer.SIZE - SHARD_BITS);
  }

  @SuppressWarnings("unchecked")
  private static <K, V> Map<K, V> none() {
    return (Map<K, V>) NONE;
  }

  @SuppressWarnings("unchecked")
  private static <K, V> Map<K, V>[] filled() {
    Map<K, V>[] shards = new Map[SHARDS];
    Arrays.fill(shards, NONE);
    return shards;
  }
}
