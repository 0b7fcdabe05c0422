package io.keywatch.proxy.bench;

import io.keywatch.kv.KeyValue;
import io.keywatch.kv.KvEvent;
import io.keywatch.kv.Range;
import io.keywatch.proxy.table.RouteSnapshot;
import io.keywatch.watch.EventBatch;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Prints what a large route table costs: heap for N routes, the time a burst of changes takes to
 * apply (as one-change batches, the worst case, and as one batch), and lookups per second. Run:
 * {@code java -cp <test classpath> io.keywatch.proxy.bench.RouteTableBench [routes] [changes]}.
 */
public final class RouteTableBench {

  /** Held, or the logger (weakly referenced by its manager) could be collected with its level. */
  private static final Logger ROUTE_LOG = Logger.getLogger(RouteSnapshot.class.getName());

  public static void main(String[] args) {
    int routes = args.length > 0 ? Integer.parseInt(args[0]) : 40_000;
    int changes = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    // the ROUTE lines of a burst would be timed as console output; Payara writes them to a file
    ROUTE_LOG.setLevel(Level.WARNING);

    List<KeyValue> kvs = new ArrayList<>(routes);
    for (int i = 0; i < routes; i++) {
      kvs.add(
          kv("/routes/r" + i, routeJson(i, i % 2 == 0 ? "/svc/" + i : "/svc/" + i + "/*"), i + 1));
    }
    Range range = new Range(kvs, routes);
    long before = usedHeap();
    RouteSnapshot table = RouteSnapshot.load(UUID.randomUUID(), range);
    long after = usedHeap();
    System.out.printf(
        "heap: %d routes take %.1f MiB (%.0f bytes each)%n",
        table.size(), (after - before) / 1048576.0, (double) (after - before) / table.size());

    for (int round = 1; round <= 5; round++) {
      long rev = table.revision();
      long t0 = System.nanoTime();
      RouteSnapshot s = table;
      for (int i = 0; i < changes; i++) {
        long r = ++rev;
        s = s.apply(new EventBatch(r - 1, r, List.of(change(i, r))), Instant.now());
      }
      long oneByOne = System.nanoTime() - t0;

      List<KvEvent> burst = new ArrayList<>();
      long first = s.revision();
      for (int i = 0; i < changes; i++) {
        burst.add(change(i + changes, first + i + 1));
      }
      long t1 = System.nanoTime();
      s = s.apply(new EventBatch(first, first + changes, burst), Instant.now());
      long oneBatch = System.nanoTime() - t1;
      table = s;
      System.out.printf(
          "round %d: %d changes to %d routes: %.1f ms as %d batches, %.1f ms as one batch%n",
          round, changes, table.size(), oneByOne / 1e6, changes, oneBatch / 1e6);
    }

    int lookups = 2_000_000;
    long hits = 0;
    long t2 = System.nanoTime();
    for (int i = 0; i < lookups; i++) {
      int n = i % routes;
      hits +=
          table.index().match("GET", "h", n % 2 == 0 ? "/svc/" + n : "/svc/" + n + "/a/b/c") != null
              ? 1
              : 0;
    }
    long lookupNanos = System.nanoTime() - t2;
    System.out.printf(
        "lookups: %.2f million/s with %d routes (%d hits)%n",
        lookups / (lookupNanos / 1e3), table.size(), hits);
  }

  private static KvEvent change(int i, long rev) {
    // a put that moves an existing route, or a delete, spread over the table
    String key = "/routes/r" + (i * 37 % 40_000);
    if (i % 4 == 3) {
      return KvEvent.of(kv(key, null, rev), null, rev);
    }
    return KvEvent.of(kv(key, routeJson(i, "/moved/" + i + "/*"), rev), null, rev);
  }

  private static KeyValue kv(String key, String json, long rev) {
    byte[] value = json == null ? null : json.getBytes(StandardCharsets.UTF_8);
    return new KeyValue(key, value, rev, rev, value == null ? 0 : 1, Instant.now());
  }

  private static String routeJson(int i, String uri) {
    return "{\"uri\":\""
        + uri
        + "\",\"upstream\":\"http://10.0."
        + (i % 250)
        + "."
        + (i % 200)
        + ":8080\"}";
  }

  private static long usedHeap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    return heap.getUsed();
  }
}
