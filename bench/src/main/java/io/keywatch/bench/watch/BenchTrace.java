package io.keywatch.bench.watch;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** TEMPORARY (issue 16 investigation): System.nanoTime of the bench's stages per revision. */
public final class BenchTrace {

  public static final int START = 0;
  public static final int ACK = 1;
  public static final int READ_RETURNED = 2;
  public static final int ARRIVED = 3;
  private static final int STAGES = 4;
  private static final int SIZE = 1 << 15;
  private static final long[] revs = new long[SIZE];
  private static final long[][] t = new long[STAGES][SIZE];
  public static volatile boolean on;

  private BenchTrace() {}

  public static void mark(int stage, long revision, long nanos) {
    if (!on) {
      return;
    }
    int slot = (int) (revision & (SIZE - 1));
    revs[slot] = revision;
    t[stage][slot] = nanos;
  }

  public static synchronized void dump(Path file) throws IOException {
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
      for (int i = 0; i < SIZE; i++) {
        if (revs[i] == 0) {
          continue;
        }
        StringBuilder b = new StringBuilder().append(revs[i]);
        for (int s = 0; s < STAGES; s++) {
          b.append('\t').append(t[s][i]);
        }
        w.println(b);
      }
    }
  }
}
