package io.keywatch.faults;

import io.keywatch.testing.Keywatch;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A writer that keeps putting values under a few keys of one admin server, as a client that must
 * not lose a write would: a 5xx answer or an I/O error is retried with a new value after a short
 * pause. Every acknowledged answer (200/201) is kept with its revision; an attempt that failed may
 * or may not have been written, so only acknowledged ones are promises.
 */
final class WriteLoad implements AutoCloseable {

  /** A write the server acknowledged: that value under that key at that revision. */
  record Ack(String key, String value, long revision) {}

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final long RETRY_PAUSE_MS = 50;

  private final Keywatch admin;
  private final String prefix;
  private final int keys;
  private final int limit;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Thread thread;
  final List<Ack> acks = new CopyOnWriteArrayList<>();
  final AtomicInteger serverErrors = new AtomicInteger();
  final AtomicInteger ioErrors = new AtomicInteger();
  final List<String> unexpected = new CopyOnWriteArrayList<>();

  /**
   * Starts writing at once.
   *
   * @param prefix keys are {@code prefix + i % keys}
   * @param limit stops by itself after that many acknowledged writes
   */
  WriteLoad(Keywatch admin, String name, String prefix, int keys, int limit) {
    this.admin = admin;
    this.prefix = prefix;
    this.keys = keys;
    this.limit = limit;
    this.thread = new Thread(this::run, "write-load-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    int attempt = 0;
    try {
      while (acks.size() < limit && stop.getCount() > 0) {
        String key = prefix + (acks.size() % keys);
        String value = thread.getName() + "-" + attempt++;
        if (!put(key, value)) {
          // the store is away: a short pause, ended at once when the test is done
          stop.await(RETRY_PAUSE_MS, TimeUnit.MILLISECONDS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean put(String key, String value) throws InterruptedException {
    HttpRequest request =
        admin
            .adminRequest("/kv" + key)
            .timeout(REQUEST_TIMEOUT)
            .header("Content-Type", "text/plain")
            .PUT(HttpRequest.BodyPublishers.ofString(value))
            .build();
    HttpResponse<String> r;
    try {
      r = admin.http().send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      ioErrors.incrementAndGet();
      return false;
    }
    if (r.statusCode() == 200 || r.statusCode() == 201) {
      JsonObject body = Keywatch.json(r);
      acks.add(
          new Ack(key, value, body.getJsonObject("header").getJsonNumber("revision").longValue()));
      return true;
    }
    if (r.statusCode() >= 500) {
      serverErrors.incrementAndGet();
      return false;
    }
    unexpected.add(r.statusCode() + " " + r.body());
    return false;
  }

  int acknowledged() {
    return acks.size();
  }

  int failures() {
    return serverErrors.get() + ioErrors.get();
  }

  /** Waits until the writer has stopped by itself (its limit reached) or until the timeout. */
  boolean awaitDone(Duration timeout) throws InterruptedException {
    thread.join(timeout.toMillis());
    return !thread.isAlive();
  }

  @Override
  public void close() {
    stop.countDown();
    try {
      thread.join(REQUEST_TIMEOUT.toMillis() * 2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return thread.getName()
        + ": "
        + acks.size()
        + " acknowledged, "
        + serverErrors
        + " 5xx, "
        + ioErrors
        + " I/O errors"
        + (unexpected.isEmpty() ? "" : ", unexpected " + unexpected);
  }
}
