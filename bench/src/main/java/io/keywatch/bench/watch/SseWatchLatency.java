package io.keywatch.bench.watch;

import io.keywatch.bench.lab.BenchDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Keywatch's side through the admin server: {@code GET /watch?prefix=} read as Server-Sent Events
 * (event id = revision), while the same {@code PgKvStore.put} as in the Java API variant writes to
 * the servers' database. The difference to that variant is the admin server's path: its WatchHub,
 * a pull watch and the SSE stream.
 */
public final class SseWatchLatency {

  private static final String PREFIX = "/bench/sse/";

  private final URI admin;
  private final String apiKey;
  private final BenchDatabase serverDb;

  public SseWatchLatency(URI admin, String apiKey, BenchDatabase serverDb) {
    this.admin = admin;
    this.apiKey = apiKey;
    this.serverDb = serverDb;
  }

  SequentialPuts.Timings run(int warmup, int count) throws Exception {
    ArrivalLog log = new ArrivalLog();
    CountDownLatch open = new CountDownLatch(1);
    HttpURLConnection c = (HttpURLConnection) admin.resolve("/watch?prefix=" + PREFIX).toURL().openConnection();
    c.setRequestProperty("X-API-KEY", apiKey);
    c.setRequestProperty("Accept", "text/event-stream");
    c.setReadTimeout(0);
    if (c.getResponseCode() != 200) {
      throw new IllegalStateException("GET /watch answered " + c.getResponseCode());
    }
    BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8));
    Thread reader = new Thread(() -> read(in, log, open), "sse-reader");
    reader.setDaemon(true);
    reader.start();
    try {
      if (!open.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("no first event on the SSE stream");
      }
      return SequentialPuts.measure(warmup, count,
          i -> serverDb.store().put(PREFIX + "key", SequentialPuts.value(i)).kv().modRevision(), log);
    } finally {
      c.disconnect();
    }
  }

  /** Dispatches at each blank line, as an EventSource does; put and delete events are arrivals. */
  private static void read(BufferedReader in, ArrivalLog log, CountDownLatch open) {
    String event = "message";
    long id = -1;
    try {
      for (String line; (line = in.readLine()) != null; ) {
        if (line.isEmpty()) {
          if (event.equals("put") || event.equals("delete")) {
            log.arrived(id);
          }
          open.countDown();
          event = "message";
        } else if (line.startsWith("event:")) {
          event = line.substring(6).trim();
        } else if (line.startsWith("id:")) {
          id = Long.parseLong(line.substring(3).trim());
        }
      }
    } catch (IOException e) {
      // the stream was closed at the end of the run
    }
  }
}
