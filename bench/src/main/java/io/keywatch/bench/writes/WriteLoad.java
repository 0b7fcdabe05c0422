package io.keywatch.bench.writes;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * N writer threads putting as fast as their store answers, each over its own 100 keys. Puts are
 * counted over a window after a warm-up; {@link #total()} counts every acknowledged put, for the
 * gap-free check afterwards.
 */
public final class WriteLoad {

  @FunctionalInterface
  public interface Put {
    void put(String key, byte[] value) throws Exception;
  }

  /** Puts per second in the window, and every put acknowledged over the whole run. */
  public record Result(double putsPerSecond, long total) {}

  /** Every key written lies under it. */
  public static final String PREFIX = "/bench/writes/";

  private static final int KEYS_PER_WRITER = 100;

  private WriteLoad() {}

  static Result run(int writers, Duration warmup, Duration window, Put put)
      throws InterruptedException {
    return run(writers, warmup, window, w -> put);
  }

  /**
   * As {@link #run(int, Duration, Duration, Put)}, each writer with a put of its own (a client).
   */
  public static Result run(int writers, Duration warmup, Duration window, IntFunction<Put> puts)
      throws InterruptedException {
    AtomicLong done = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    byte[] value =
        "{\"uri\":\"/bench/*\",\"upstream\":\"http://127.0.0.1:1\"}"
            .getBytes(StandardCharsets.UTF_8);
    AtomicBoolean stop = new AtomicBoolean();
    for (int w = 0; w < writers; w++) {
      String prefix = PREFIX + w + "/";
      Put put = puts.apply(w);
      Thread t =
          new Thread(
              () -> {
                int n = 0;
                try {
                  while (!stop.get()) {
                    put.put(prefix + (n++ % KEYS_PER_WRITER), value);
                    done.incrementAndGet();
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              },
              "writer-" + w);
      threads.add(t);
      t.start();
    }
    Thread.sleep(warmup.toMillis());
    long before = done.get();
    long start = System.nanoTime();
    Thread.sleep(window.toMillis());
    long after = done.get();
    long elapsed = System.nanoTime() - start;
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("a writer failed", failure.get());
    }
    return new Result((after - before) * 1e9 / elapsed, done.get());
  }
}
