package io.keywatch.watch;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** TEMPORARY (issue 16 investigation): System.nanoTime of each stage per revision. */
public final class StageTrace {

  public static final int NOTIFIED = 0;
  public static final int READ = 1;
  public static final int OFFERED = 2;
  public static final int POLLED = 3;
  public static final int WRITING = 4;
  public static final int WRITTEN = 5;
  public static final int GW_POLLED = 6;
  public static final int GW_WRITTEN = 7;
  public static final int LOCKED = 8;
  private static final int STAGES = 9;
  private static final int SIZE = 1 << 15;
  private static final long[] revs = new long[SIZE];
  private static final long[][] t = new long[STAGES][SIZE];

  private StageTrace() {}

  public static void mark(int stage, long revision, long nanos) {
    int slot = (int) (revision & (SIZE - 1));
    revs[slot] = revision;
    t[stage][slot] = nanos;
  }

  public static synchronized void dump() {
    Path file = Path.of("/tmp/sse-tail-stages-" + ProcessHandle.current().pid() + ".tsv");
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
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
