package io.keywatch.bench.watch;

import io.keywatch.bench.report.Latencies;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * One writer, one watcher: put, wait until the watcher has the event, put again. Latency runs from
 * just before the put is sent to the moment the watcher has its event, so it contains the write's
 * commit (fsync), the notification and the watcher's read, as a data plane experiences it.
 */
public final class SequentialPuts {

  /** Sends the i-th put and returns its revision once the store has acknowledged it. */
  @FunctionalInterface
  interface Put {
    long put(int i) throws Exception;
  }

  /** Put to event in the watcher, and put to the writer's acknowledgement (the commit alone). */
  public record Timings(Latencies event, Latencies acknowledged) {
    @Override
    public String toString() {
      return String.format(
          "%s  (put acknowledged: p50=%.3f ms p99=%.3f ms)",
          event, acknowledged.p50Millis(), acknowledged.p99Millis());
    }
  }

  private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(10);

  private SequentialPuts() {}

  static Timings measure(int warmup, int count, Put put, ArrivalLog log) throws Exception {
    Timings timings = new Timings(new Latencies(), new Latencies());
    for (int i = 0; i < warmup + count; i++) {
      long start = System.nanoTime();
      long revision = put.put(i);
      long acknowledged = System.nanoTime();
      long arrival;
      try {
        arrival = log.await(revision, EVENT_TIMEOUT);
      } catch (TimeoutException e) {
        throw new IllegalStateException("put " + i + ": " + e.getMessage(), e);
      }
      if (i >= warmup) {
        timings.event().record(arrival - start);
        timings.acknowledged().record(acknowledged - start);
      }
    }
    return timings;
  }

  /** A small value that differs per put, the size of a route. */
  static byte[] value(int i) {
    return ("{\"uri\":\"/bench/" + i + "\",\"upstream\":\"http://127.0.0.1:1\"}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
