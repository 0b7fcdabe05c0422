package io.keywatch.bench.report;

import java.util.Optional;

/**
 * One line of the result table: Keywatch's figure beside its anchor's (etcd or nginx), their ratio,
 * and the target the ratio (or Keywatch's figure alone) is held to.
 *
 * @param anchor empty when the target is absolute (e.g. route propagation)
 * @param met empty when the line carries no target of its own (shown for context)
 */
public record Row(
    String benchmark,
    double keywatch,
    Optional<Double> anchor,
    String unit,
    String target,
    Optional<Boolean> met) {

  public Optional<Double> ratio() {
    return anchor.filter(a -> a != 0).map(a -> keywatch / a);
  }

  /** A line held to "ratio within a bound". */
  public static Row ratio(
      String benchmark,
      double keywatch,
      double anchor,
      String unit,
      String target,
      boolean higherIsBetter,
      double bound) {
    double r = anchor == 0 ? Double.NaN : keywatch / anchor;
    boolean met = higherIsBetter ? r >= bound : r <= bound;
    return new Row(benchmark, keywatch, Optional.of(anchor), unit, target, Optional.of(met));
  }

  /** A line shown beside its anchor for context, with no target. */
  public static Row context(String benchmark, double keywatch, double anchor, String unit) {
    return new Row(benchmark, keywatch, Optional.of(anchor), unit, "-", Optional.empty());
  }

  /** A line held to an absolute bound on Keywatch's figure alone. */
  public static Row absolute(
      String benchmark, double keywatch, String unit, String target, boolean met) {
    return new Row(benchmark, keywatch, Optional.empty(), unit, target, Optional.of(met));
  }

  /** A line of Keywatch alone, for context. */
  public static Row alone(String benchmark, double keywatch, String unit) {
    return new Row(benchmark, keywatch, Optional.empty(), unit, "-", Optional.empty());
  }
}
