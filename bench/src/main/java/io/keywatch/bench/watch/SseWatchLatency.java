package io.keywatch.bench.watch;

import io.keywatch.bench.lab.BenchDatabase;
import io.keywatch.bench.lab.SseStream;
import java.net.URI;

/**
 * Keywatch's side through the admin server: {@code GET /watch?prefix=} read as Server-Sent Events
 * (event id = revision), while the same {@code PgKvStore.put} as in the Java API variant writes to
 * the servers' database. The difference to that variant is the admin server's path: its WatchHub, a
 * pull watch and the SSE stream.
 */
public final class SseWatchLatency {

  private static final String PREFIX = "/bench/sse/";

  private final URI admin;
  private final String apiKey;
  private final BenchDatabase serverDb;

  public SseWatchLatency(URI admin, String apiKey, BenchDatabase serverDb) {
    this.admin = admin;
    this.apiKey = apiKey;
    this.serverDb = serverDb;
  }

  SequentialPuts.Timings run(int warmup, int count) throws Exception {
    ArrivalLog log = new ArrivalLog();
    try (SseStream stream = SseStream.open(admin, apiKey, PREFIX, -1, log::arrived)) {
      return SequentialPuts.measure(
          warmup,
          count,
          i -> serverDb.store().put(PREFIX + "key", SequentialPuts.value(i)).kv().modRevision(),
          log);
    }
  }
}
