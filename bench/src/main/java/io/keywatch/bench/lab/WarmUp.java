package io.keywatch.bench.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Loads a cold server until its JIT has settled: rounds of load until, in two rounds in a row, the
 * server's compiler threads used less than {@value #SETTLED_SHARE} of the round's time (at least
 * {@value #MIN_ROUNDS} rounds, at most {@value #MAX_ROUNDS}), each round printed with its rate and
 * the compilers' CPU seconds. Neither a fixed time nor a settled rate fits every machine: on two
 * cores the gateway's rate settled after 30-50 s of load on one (2026-12-01); on a slower one
 * (2026-12-02) C2 compiled for some four minutes, 40 s measured a fifth of the later rate, and the
 * rate stayed flat for 30 s on the way (933, 951, 936 req/s) before it quadrupled.
 */
public final class WarmUp {

  private static final int MIN_ROUNDS = 4;
  private static final int MAX_ROUNDS = 40;
  private static final double SETTLED_SHARE = 0.03;

  /** Linux's clock ticks per second (USER_HZ), the unit of /proc's CPU times. */
  private static final double TICKS = 100;

  /** One round of load; its rate. */
  @FunctionalInterface
  public interface Round {
    double rate() throws Exception;
  }

  private WarmUp() {}

  public static void untilSettled(String what, String unit, long pid, Round round)
      throws Exception {
    int quiet = 0;
    double compiled = compilerSeconds(pid);
    for (int i = 1; i <= MAX_ROUNDS && (i <= MIN_ROUNDS || quiet < 2); i++) {
      long start = System.nanoTime();
      double rate = round.rate();
      double seconds = (System.nanoTime() - start) / 1e9;
      double now = compilerSeconds(pid);
      double jit = now - compiled;
      compiled = now;
      System.out.printf(
          "  warm-up %d, %s: %,.0f %s, JIT %.1f s of %.0f s%n", i, what, rate, unit, jit, seconds);
      quiet = jit < SETTLED_SHARE * seconds ? quiet + 1 : 0;
    }
  }

  /** CPU seconds the process's JIT compiler threads have used so far. */
  private static double compilerSeconds(long pid) throws IOException {
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      return tasks.mapToDouble(WarmUp::compilerSeconds).sum();
    }
  }

  private static double compilerSeconds(Path task) {
    try {
      // "C2 CompilerThre", "C1 CompilerThre" (a thread's name is cut to 15 bytes)
      if (!Files.readString(task.resolve("comm")).contains("CompilerThre")) {
        return 0;
      }
      // after "(comm)", the fields from state on: utime and stime are the 12th and 13th
      String stat = Files.readString(task.resolve("stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS;
    } catch (IOException e) {
      return 0; // the thread ended
    }
  }
}
