package io.keywatch.kv;

import java.util.UUID;

/**
 * Where the store stands: its current revision, the revision it is compacted to (reads below it
 * fail), and the identity of the database, which changes when the store is recreated.
 */
public record Revisions(UUID storeId, long current, long compacted) {}
