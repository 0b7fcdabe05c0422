package io.keywatch.bench.compaction;

import io.keywatch.bench.lab.BenchDatabase;
import io.keywatch.bench.lab.BenchSettings;
import io.keywatch.bench.lab.Postgres;
import io.keywatch.bench.report.Latencies;
import io.keywatch.bench.report.Row;
import io.keywatch.kv.KvStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Benchmark 5 (issue 16): the put latency of N writers while the store compacts away a large
 * superseded history, beside the same writers on the same store without a compaction. A compaction
 * that held the writers' lock for its whole DELETE made every put issued meanwhile wait for it.
 */
public final class CompactionUnderWrites {

  private static final int POOL_SIZE = 40;
  private static final int KEYS_PER_WRITER = 100;
  private static final int HISTORY_KEYS = 1000;
  private static final int FILL_CHUNK = 50_000;
  private static final String PREFIX = "/bench/compaction/";

  private final BenchSettings settings;
  private final Postgres postgres;

  public CompactionUnderWrites(BenchSettings settings, Postgres postgres) {
    this.settings = settings;
    this.postgres = postgres;
  }

  public List<Row> run() throws Exception {
    int writers = settings.compactionWriters();
    long rows = settings.compactionRows();
    try (BenchDatabase db = postgres.freshDatabase("bench_compaction", POOL_SIZE)) {
      KvStore store = db.store();
      long start = System.nanoTime();
      fill(db, rows);
      System.out.printf(
          "  %d superseded rows written in %.1f s%n", rows, (System.nanoTime() - start) / 1e9);

      Deadline window = new Deadline(settings.writesRun());
      Latencies without = writeWhile(store, writers, window::open);
      System.out.printf("  keywatch %2d writers, no compaction: %s%n", writers, without);

      long target = store.revisions().current();
      AtomicReference<CompletableFuture<Long>> compaction = new AtomicReference<>();
      long[] took = new long[1];
      Latencies during =
          writeWhile(
              store,
              writers,
              () -> {
                if (compaction.get() == null) {
                  long began = System.nanoTime();
                  compaction.set(
                      CompletableFuture.supplyAsync(
                          () -> {
                            long removed = store.compact(target);
                            took[0] = System.nanoTime() - began;
                            return removed;
                          }));
                }
                return !compaction.get().isDone();
              });
      long removed = compaction.get().join();
      System.out.printf(
          "  keywatch %2d writers, compacting %d rows (%.1f s): %s%n",
          writers, removed, took[0] / 1e9, during);
      if (removed < rows - HISTORY_KEYS) {
        throw new IllegalStateException(
            "compaction removed " + removed + " rows of " + rows + " superseded");
      }
      return List.of(
          Row.ratio(
              String.format("put p99 %dw compacting %,d rows vs not", writers, removed),
              during.p99Millis(),
              without.p99Millis(),
              "ms",
              "<= 2x without",
              false,
              2.0));
    }
  }

  /** {@code rows} puts over {@link #HISTORY_KEYS} keys: all but the last of each key superseded. */
  private static void fill(BenchDatabase db, long rows) {
    for (long from = 1; from <= rows; from += FILL_CHUNK) {
      long to = Math.min(rows, from + FILL_CHUNK - 1);
      String series = "generate_series(" + from + ", " + to + ") i";
      db.execute(
          "SELECT count(*) FROM kv_put_many("
              + "(SELECT array_agg('"
              + PREFIX
              + "old/' || (i % "
              + HISTORY_KEYS
              + ") ORDER BY i) FROM "
              + series
              + "), (SELECT array_agg(convert_to('history ' || i, 'UTF8') ORDER BY i) FROM "
              + series
              + "))");
    }
  }

  /**
   * Writers put over their own keys; each records the latency of the puts it issued while {@code
   * measuring} held (asked after a warm-up second of puts, then before each put).
   */
  private static Latencies writeWhile(KvStore store, int writers, BooleanSupplier measuring)
      throws InterruptedException {
    byte[] value =
        "{\"uri\":\"/bench/*\",\"upstream\":\"http://127.0.0.1:1\"}"
            .getBytes(StandardCharsets.UTF_8);
    AtomicBoolean warm = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Latencies> each = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      Latencies mine = new Latencies();
      each.add(mine);
      String prefix = PREFIX + "writer/" + w + "/";
      Thread t =
          new Thread(
              () -> {
                int n = 0;
                try {
                  while (!stop.get()) {
                    long begin = System.nanoTime();
                    store.put(prefix + (n++ % KEYS_PER_WRITER), value);
                    if (warm.get()) {
                      mine.record(System.nanoTime() - begin);
                    }
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                  stop.set(true);
                }
              },
              "writer-" + w);
      threads.add(t);
      t.start();
    }
    Thread.sleep(1000);
    warm.set(measuring.getAsBoolean());
    while (warm.get() && !stop.get()) {
      Thread.sleep(10);
      warm.set(measuring.getAsBoolean());
    }
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("a writer failed", failure.get());
    }
    Latencies all = new Latencies();
    each.forEach(all::add);
    return all;
  }

  /** True until a duration after it was first asked. */
  private static final class Deadline {
    private final Duration length;
    private long end;

    Deadline(Duration length) {
      this.length = length;
    }

    boolean open() {
      if (end == 0) {
        end = System.nanoTime() + length.toNanos();
      }
      return System.nanoTime() < end;
    }
  }
}
