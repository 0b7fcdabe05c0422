package io.keywatch.kv;

import java.time.Instant;

/**
 * A granted lease: its id, its TTL in seconds (as granted, after the minimum) and when it expires.
 */
public record Lease(long id, long ttl, Instant expiresAt) {}
