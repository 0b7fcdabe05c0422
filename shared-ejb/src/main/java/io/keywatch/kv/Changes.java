package io.keywatch.kv;

import java.util.List;

/** Where the store stood and the changes after some revision, as read in one snapshot. */
public record Changes(Revisions revisions, List<KvEvent> events) {}
