package io.keywatch.bench.watch;

import io.keywatch.bench.report.Latencies;

/** Keywatch's side through the admin server's SSE stream (filled in once the admin API lands). */
public final class SseWatchLatency {
  Latencies run(int warmup, int puts) {
    throw new UnsupportedOperationException("not yet");
  }
}
