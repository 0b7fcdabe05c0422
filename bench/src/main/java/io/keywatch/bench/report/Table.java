package io.keywatch.bench.report;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The result table: benchmark | Keywatch | anchor | ratio | target, as fixed-width text. */
public final class Table {

  private final List<Row> rows = new ArrayList<>();

  public synchronized void add(Row row) {
    rows.add(row);
  }

  public synchronized void addAll(List<Row> more) {
    rows.addAll(more);
  }

  public synchronized void print(PrintStream out, String header) {
    List<String[]> cells = new ArrayList<>();
    cells.add(new String[] {"benchmark", "Keywatch", "anchor", "ratio", "target", "met"});
    for (Row r : rows) {
      cells.add(
          new String[] {
            r.benchmark(),
            number(r.keywatch()) + " " + r.unit(),
            r.anchor().map(a -> number(a) + " " + r.unit()).orElse("-"),
            r.ratio().map(x -> String.format(Locale.ROOT, "%.2fx", x)).orElse("-"),
            r.target(),
            r.met().map(m -> m ? "yes" : "NO").orElse("-")
          });
    }
    int[] width = new int[6];
    for (String[] row : cells) {
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    out.println(header);
    for (int r = 0; r < cells.size(); r++) {
      StringBuilder line = new StringBuilder("| ");
      for (int i = 0; i < width.length; i++) {
        line.append(String.format("%-" + width[i] + "s", cells.get(r)[i])).append(" | ");
      }
      out.println(line.toString().stripTrailing());
      if (r == 0) {
        StringBuilder rule = new StringBuilder("|");
        for (int w : width) {
          rule.append("-".repeat(w + 2)).append("|");
        }
        out.println(rule);
      }
    }
  }

  private static String number(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    return Math.abs(v) >= 100
        ? String.format(Locale.ROOT, "%,.0f", v)
        : String.format(Locale.ROOT, "%.2f", v);
  }
}
