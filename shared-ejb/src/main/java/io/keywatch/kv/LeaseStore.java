package io.keywatch.kv;

import java.util.List;

/**
 * etcd's Lease service on the store. Keys are attached by {@link KvStore#put(String, byte[],
 * long)}; revoking or expiring a lease deletes the keys still attached, as tombstones of one
 * transaction. Expiry times are kept with the store and measured by its clock, so every server sees
 * the same leases, and a keep-alive may go to any of them.
 */
public interface LeaseStore {

  /** etcd's largest TTL in seconds (lease.MaxLeaseTTL). */
  long MAX_TTL = 9_000_000_000L;

  /**
   * Grants a lease of {@code ttl} seconds; a TTL below the store's minimum is raised to it (as etcd
   * raises it to its minLeaseTTL).
   *
   * @param id the lease's id, or 0 to let the store choose one
   * @throws LeaseExistsException if {@code id} is taken
   * @throws LeaseTtlTooLargeException if {@code ttl} exceeds {@link #MAX_TTL}
   */
  Lease grant(long id, long ttl);

  /** Removes a lease and deletes its keys; {@link LeaseNotFoundException} if there is none. */
  Revocation revoke(long id);

  /**
   * Renews a lease: it expires its TTL from now. Returns that TTL; {@link LeaseNotFoundException}
   * if there is no lease or it has expired.
   */
  long keepAlive(long id);

  /** The lease's TTLs and, if asked, its keys; {@link LeaseNotFoundException} if there is none. */
  LeaseTimeToLive timeToLive(long id, boolean withKeys);

  /** The ids of the leases not yet expired, soonest expiring first. */
  List<Long> leases();

  /**
   * Revokes the leases past their expiry, up to {@code limit} of them, unless another server is
   * doing so right now (then nothing). Returns the ids revoked.
   */
  List<Long> expire(int limit);
}
