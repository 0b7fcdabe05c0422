package io.keywatch.bench.routes;

import io.keywatch.bench.lab.BenchSettings;
import io.keywatch.bench.lab.Http;
import io.keywatch.bench.lab.KeywatchServers;
import io.keywatch.bench.report.Latencies;
import io.keywatch.bench.report.Row;
import java.net.URI;
import java.util.List;

/**
 * Benchmark 2: from the start of {@code PUT /routes/{id}} on the admin server until the proxy
 * serves the new route. Each round moves one route to a new path; a keep-alive client polls the
 * proxy for that path in a tight loop (loopback) until it is forwarded (200) instead of 404.
 */
public final class RoutePropagation {

  private static final long GIVE_UP_NANOS = 10_000_000_000L;

  private final BenchSettings settings;
  private final KeywatchServers servers;

  public RoutePropagation(BenchSettings settings, KeywatchServers servers) {
    this.settings = settings;
    this.servers = servers;
  }

  public List<Row> run() throws Exception {
    Latencies latencies = new Latencies();
    Latencies putOnly = new Latencies();
    URI put = servers.admin().resolve("/routes/bench-propagation");
    String upstream = "http://127.0.0.1:" + settings.upstreamPort();
    int rounds = settings.propagationWarmup() + settings.propagationCount();
    String run = Long.toString(System.currentTimeMillis(), 36);
    for (int i = 0; i < rounds; i++) {
      String path = "/propagation/" + run + "/" + i;
      URI probe = servers.proxy().resolve(path);
      long start = System.nanoTime();
      Http.Answer answer =
          Http.send(
              put,
              "PUT",
              servers.apiKey(),
              "{\"uri\":\"" + path + "\",\"upstream\":\"" + upstream + "\"}");
      long answered = System.nanoTime();
      if (answer.status() / 100 != 2) {
        throw new IllegalStateException(
            "PUT /routes answered " + answer.status() + ": " + answer.body());
      }
      while (true) {
        int status = Http.get(probe).status();
        if (status == 200) {
          break;
        }
        if (status != 404) {
          throw new IllegalStateException("the proxy answered " + status + " for " + path);
        }
        if (System.nanoTime() - start > GIVE_UP_NANOS) {
          throw new IllegalStateException("route " + path + " not served 10 s after its PUT");
        }
      }
      if (i >= settings.propagationWarmup()) {
        latencies.record(System.nanoTime() - start);
        putOnly.record(answered - start);
      }
    }
    System.out.println("  route propagation (PUT until served): " + latencies);
    System.out.println("  of which the PUT's answer:            " + putOnly);
    return List.of(
        Row.alone("route propagation p50", latencies.p50Millis(), "ms"),
        Row.absolute(
            "route propagation p99",
            latencies.p99Millis(),
            "ms",
            "< 10 ms",
            latencies.p99Millis() < 10));
  }
}
