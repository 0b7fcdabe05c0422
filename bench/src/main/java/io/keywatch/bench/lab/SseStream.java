package io.keywatch.bench.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * One {@code GET /watch} stream of the admin server, read on a thread of its own as an EventSource
 * reads it: each put or delete event hands its id (the revision) to the listener the moment its
 * blank line arrives. {@link #open} returns once the stream's first event (its progress bookmark)
 * has arrived, so every change after that point reaches the listener.
 */
public final class SseStream implements AutoCloseable {

  private static final Duration FIRST_EVENT = Duration.ofSeconds(30);
  /** HttpURLConnection cannot end a stream while its reader waits for data; this client can. */
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final InputStream body;
  private final Thread reader;

  private SseStream(InputStream body, Thread reader) {
    this.body = body;
    this.reader = reader;
  }

  /**
   * @param after resume after this revision ({@code Last-Event-ID}); negative: from now
   */
  public static SseStream open(URI admin, String apiKey, String prefix, long after, LongConsumer changes)
      throws IOException, InterruptedException {
    URI uri = admin.resolve("/watch?prefix=" + URLEncoder.encode(prefix, StandardCharsets.UTF_8));
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("X-API-KEY", apiKey).header("Accept", "text/event-stream");
    if (after >= 0) {
      request.header("Last-Event-ID", Long.toString(after));
    }
    HttpResponse<InputStream> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      response.body().close();
      throw new IllegalStateException("GET " + uri + " answered " + response.statusCode());
    }
    BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    CountDownLatch first = new CountDownLatch(1);
    Thread reader = new Thread(() -> read(in, changes, first), "sse-" + prefix);
    reader.setDaemon(true);
    reader.start();
    SseStream stream = new SseStream(response.body(), reader);
    if (!first.await(FIRST_EVENT.toSeconds(), TimeUnit.SECONDS)) {
      stream.close();
      throw new IllegalStateException("no first event on " + uri + " within " + FIRST_EVENT);
    }
    return stream;
  }

  private static void read(BufferedReader in, LongConsumer changes, CountDownLatch first) {
    String event = "message";
    long id = -1;
    try {
      for (String line; (line = in.readLine()) != null; ) {
        if (line.isEmpty()) {
          if (event.equals("put") || event.equals("delete")) {
            changes.accept(id);
          }
          first.countDown();
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

  @Override
  public void close() {
    try {
      body.close();
    } catch (IOException e) {
      // closing ends the connection; nothing is left to read
    }
    reader.interrupt();
  }
}
