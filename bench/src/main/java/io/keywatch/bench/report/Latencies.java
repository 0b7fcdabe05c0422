package io.keywatch.bench.report;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** Latencies in nanoseconds, read back as milliseconds. Not thread-safe: one recorder thread. */
public final class Latencies {

  private final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);

  public void record(long nanos) {
    histogram.recordValue(Math.max(0, Math.min(nanos, histogram.getHighestTrackableValue())));
  }

  /** Adds another's values (recorded by another thread, which has finished). */
  public void add(Latencies other) {
    histogram.add(other.histogram);
  }

  public long count() {
    return histogram.getTotalCount();
  }

  public double p50Millis() {
    return millis(50);
  }

  public double p99Millis() {
    return millis(99);
  }

  public double maxMillis() {
    return histogram.getMaxValue() / 1e6;
  }

  private double millis(double percentile) {
    return histogram.getValueAtPercentile(percentile) / 1e6;
  }

  @Override
  public String toString() {
    return String.format(
        "n=%d p50=%.3f ms p99=%.3f ms max=%.3f ms", count(), p50Millis(), p99Millis(), maxMillis());
  }
}
