package io.keywatch.proxy.balance;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A hash ring: each node stands on {@value #POINTS_PER_WEIGHT} points per unit of weight (weights
 * above {@value #MAX_WEIGHT} count as {@value #MAX_WEIGHT}), placed by hashing {@code host:port#i};
 * a key goes to the first point at or after its own hash that belongs to a candidate. A node's
 * points depend on its address alone, so adding a node takes over only the keys that land on its
 * points, about 1/N of them, and moves no key between the nodes that were there before.
 */
final class ConsistentHash implements Balancer {

  static final int POINTS_PER_WEIGHT = 160;
  static final int MAX_WEIGHT = 100;

  /** The points, sorted, and the index of the node each belongs to. */
  private final long[] points;

  private final int[] owners;
  private final int nodes;

  ConsistentHash(NodeState[] all) {
    this.nodes = all.length;
    int size = 0;
    for (NodeState n : all) {
      size += POINTS_PER_WEIGHT * Math.min(n.node().weight(), MAX_WEIGHT);
    }
    long[][] ring = new long[size][];
    int at = 0;
    for (NodeState n : all) {
      int points = POINTS_PER_WEIGHT * Math.min(n.node().weight(), MAX_WEIGHT);
      for (int i = 0; i < points; i++) {
        ring[at++] = new long[] {hash(n.node().address() + "#" + i), n.index()};
      }
    }
    Arrays.sort(ring, (a, b) -> Long.compareUnsigned(a[0], b[0]));
    points = new long[size];
    owners = new int[size];
    for (int i = 0; i < size; i++) {
      points[i] = ring[i][0];
      owners[i] = (int) ring[i][1];
    }
  }

  @Override
  public NodeState pick(NodeState[] candidates, int count, String key) {
    if (count == 0 || points.length == 0) {
      return null;
    }
    NodeState[] byIndex = new NodeState[nodes];
    for (int i = 0; i < count; i++) {
      byIndex[candidates[i].index()] = candidates[i];
    }
    int start = firstAtOrAfter(hash(key == null ? "" : key));
    for (int i = 0; i < points.length; i++) {
      NodeState n = byIndex[owners[(start + i) % points.length]];
      if (n != null) {
        return n;
      }
    }
    return null;
  }

  private int firstAtOrAfter(long h) {
    int lo = 0;
    int hi = points.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (Long.compareUnsigned(points[mid], h) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == points.length ? 0 : lo;
  }

  /** 64-bit FNV-1a, then MurmurHash3's finaliser so that close strings land far apart. */
  static long hash(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
