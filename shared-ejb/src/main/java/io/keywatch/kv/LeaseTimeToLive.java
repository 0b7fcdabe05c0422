package io.keywatch.kv;

import java.util.List;

/**
 * etcd's LeaseTimeToLive answer: the TTL granted, the whole seconds left before expiry, and the
 * keys attached (empty unless asked for), in key order.
 */
public record LeaseTimeToLive(long id, long grantedTtl, long ttl, List<String> keys) {

  public LeaseTimeToLive {
    keys = List.copyOf(keys);
  }
}
