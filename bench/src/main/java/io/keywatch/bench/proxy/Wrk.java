package io.keywatch.bench.proxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs wrk and reads its summary: requests per second, p50 and p99 (--latency), errors. */
final class Wrk {

  /** One wrk run's figures. */
  record Result(
      double requestsPerSecond,
      double p50Millis,
      double p99Millis,
      long non2xx,
      long socketErrors,
      String raw) {
    @Override
    public String toString() {
      return String.format(
          "%.0f req/s, p50 %.3f ms, p99 %.3f ms, non-2xx %d, socket errors %d",
          requestsPerSecond, p50Millis, p99Millis, non2xx, socketErrors);
    }
  }

  private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([\\d.]+)");
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
  private static final Pattern SOCKET_ERRORS =
      Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

  private final int threads;
  private final int connections;

  Wrk(int threads, int connections) {
    this.threads = threads;
    this.connections = connections;
  }

  Result run(String url, Duration duration) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "wrk",
                "-t" + threads,
                "-c" + connections,
                "-d" + duration.toSeconds() + "s",
                "--latency",
                url));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("wrk failed: " + out);
    }
    return new Result(
        Double.parseDouble(find(RPS, out, url)),
        percentile(out, "50%"),
        percentile(out, "99%"),
        NON_2XX.matcher(out).find() ? Long.parseLong(first(NON_2XX, out)) : 0,
        socketErrors(out),
        out);
  }

  private static long socketErrors(String out) {
    Matcher m = SOCKET_ERRORS.matcher(out);
    if (!m.find()) {
      return 0;
    }
    long sum = 0;
    for (int g = 1; g <= 4; g++) {
      sum += Long.parseLong(m.group(g));
    }
    return sum;
  }

  /** A line of the latency distribution, e.g. " 99% 5.21ms", in milliseconds. */
  private static double percentile(String out, String label) {
    Matcher m =
        Pattern.compile(
                "^\\s+" + Pattern.quote(label) + "\\s+([\\d.]+)(us|ms|s)\\s*$", Pattern.MULTILINE)
            .matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("no " + label + " in wrk's output:\n" + out);
    }
    double v = Double.parseDouble(m.group(1));
    return switch (m.group(2)) {
      case "us" -> v / 1000;
      case "s" -> v * 1000;
      default -> v;
    };
  }

  private static String find(Pattern p, String out, String url) {
    Matcher m = p.matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("unexpected wrk output for " + url + ":\n" + out);
    }
    return m.group(1);
  }

  private static String first(Pattern p, String out) {
    Matcher m = p.matcher(out);
    m.find();
    return m.group(1);
  }
}
