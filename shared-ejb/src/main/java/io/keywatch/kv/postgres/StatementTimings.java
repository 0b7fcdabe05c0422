package io.keywatch.kv.postgres;

/**
 * Where the store's time goes: told how long each run of a named statement took, from prepare to
 * the last row read (kine's way: one timer per statement name). The server records them as
 * MicroProfile Metrics; tests and benchmarks usually pass {@link #NONE}.
 */
@FunctionalInterface
public interface StatementTimings {

  StatementTimings NONE = (statement, nanos) -> {};

  void record(String statement, long nanos);
}
