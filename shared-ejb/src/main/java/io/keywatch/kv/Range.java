package io.keywatch.kv;

import java.util.List;

/** The live keys under a prefix, in key order, as of {@code revision}. */
public record Range(List<KeyValue> kvs, long revision) {}
