package io.keywatch.bench.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * One {@code GET /watch} stream of the admin server, read on a thread of its own as an EventSource
 * reads it: each put or delete event hands its id (the revision) to the listener the moment its
 * blank line arrives. {@link #open} and {@link #follow} return once the stream's first event (its
 * progress bookmark) has arrived, so every change after that point reaches the listener.
 *
 * <p>A plain socket with a blocking read, as a data plane following the stream would hold: the
 * JDK's HttpURLConnection cannot be closed while its reader waits, and its HttpClient hands every
 * read from a selector thread to the reader, a hop that etcd's client does not pay either.
 */
public final class SseStream implements AutoCloseable {

  private static final Duration FIRST_EVENT = Duration.ofSeconds(30);

  /** What a gateway's {@code AdminStreamLog} reads. */
  private static final String FOLLOW_PATH = "/watch?prefix=/&batches=true";

  private final Socket socket;

  private SseStream(Socket socket) {
    this.socket = socket;
  }

  /**
   * A stream of the changes under {@code prefix}, opened with the API key.
   *
   * @param after resume after this revision ({@code Last-Event-ID}); negative: from now
   */
  public static SseStream open(
      URI admin, String apiKey, String prefix, long after, LongConsumer changes)
      throws IOException, InterruptedException {
    return get(
        admin,
        apiKey,
        "/watch?prefix=" + URLEncoder.encode(prefix, StandardCharsets.UTF_8),
        after,
        changes);
  }

  /**
   * The stream a gateway of the fan-out tier follows (its {@code AdminFeed}): every change of the
   * store with a progress event after each batch, opened with the feed key, resuming after {@code
   * after} with {@code Last-Event-ID}.
   */
  public static SseStream follow(URI admin, String feedKey, long after, LongConsumer changes)
      throws IOException, InterruptedException {
    return get(admin, feedKey, FOLLOW_PATH, after, changes);
  }

  private static SseStream get(
      URI admin, String key, String pathAndQuery, long after, LongConsumer changes)
      throws IOException, InterruptedException {
    Socket socket = new Socket(admin.getHost(), admin.getPort());
    socket.setTcpNoDelay(true);
    SseStream stream = new SseStream(socket);
    try {
      String request =
          "GET "
              + pathAndQuery
              + " HTTP/1.1\r\n"
              + "Host: "
              + admin.getHost()
              + ":"
              + admin.getPort()
              + "\r\n"
              + "X-API-KEY: "
              + key
              + "\r\n"
              + "Accept: text/event-stream\r\n"
              + (after >= 0 ? "Last-Event-ID: " + after + "\r\n" : "")
              + "\r\n";
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Response response = new Response(socket.getInputStream());
      String status = response.readHead();
      if (!status.startsWith("HTTP/1.1 200")) {
        throw new IllegalStateException("GET " + pathAndQuery + " answered " + status);
      }
      CountDownLatch first = new CountDownLatch(1);
      Thread reader = new Thread(() -> response.readEvents(changes, first), "sse " + pathAndQuery);
      reader.setDaemon(true);
      reader.start();
      if (!first.await(FIRST_EVENT.toSeconds(), TimeUnit.SECONDS)) {
        throw new IllegalStateException("no first event on /watch within " + FIRST_EVENT);
      }
      return stream;
    } catch (IOException | RuntimeException | InterruptedException e) {
      stream.close();
      throw e;
    }
  }

  /**
   * The response, read through one buffer: the head, then the body's lines (dechunked when the body
   * is chunked, RFC 9112 7.1). Only {@code event:} and {@code id:} lines become strings; the reader
   * of a hundred streams should cost the bench little.
   */
  private static final class Response {

    private static final byte[] EVENT = "event:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID = "id:".getBytes(StandardCharsets.US_ASCII);

    private final InputStream in;
    private final byte[] buffer = new byte[16 * 1024];
    private int position;
    private int limit;
    private byte[] line = new byte[256];
    private int length;
    private boolean chunked;
    private long chunkLeft;

    Response(InputStream in) {
      this.in = in;
    }

    /** Reads the status line and the headers; returns the status line. */
    String readHead() throws IOException {
      String status = headLine();
      for (String header; !(header = headLine().toLowerCase(Locale.ROOT)).isEmpty(); ) {
        chunked |= header.startsWith("transfer-encoding:") && header.contains("chunked");
      }
      return status;
    }

    private String headLine() throws IOException {
      if (!readLine(false)) {
        throw new IOException("the response ended in its head");
      }
      return new String(line, 0, length, StandardCharsets.US_ASCII);
    }

    /** Dispatches at each blank line, as an EventSource does; put and delete events are changes. */
    void readEvents(LongConsumer changes, CountDownLatch first) {
      String event = "message";
      long id = -1;
      try {
        while (readLine(chunked)) {
          if (length == 0) {
            if (event.equals("put") || event.equals("delete")) {
              changes.accept(id);
            }
            first.countDown();
            event = "message";
          } else if (startsWith(EVENT)) {
            event =
                new String(line, EVENT.length, length - EVENT.length, StandardCharsets.UTF_8)
                    .trim();
          } else if (startsWith(ID)) {
            id =
                Long.parseLong(
                    new String(line, ID.length, length - ID.length, StandardCharsets.US_ASCII)
                        .trim());
          }
        }
      } catch (IOException e) {
        // the stream was closed at the end of the run
      }
    }

    private boolean startsWith(byte[] prefix) {
      return length >= prefix.length
          && Arrays.equals(line, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** The next line (without CR LF) into {@link #line}; false at the end of the stream. */
    private boolean readLine(boolean dechunk) throws IOException {
      length = 0;
      while (true) {
        int b = dechunk ? bodyByte() : rawByte();
        if (b < 0) {
          return false;
        }
        if (b == '\n') {
          return true;
        }
        if (b != '\r') {
          if (length == line.length) {
            line = Arrays.copyOf(line, length * 2);
          }
          line[length++] = (byte) b;
        }
      }
    }

    private int bodyByte() throws IOException {
      if (chunkLeft == 0) {
        chunkLeft = chunkSize();
        if (chunkLeft <= 0) {
          return -1;
        }
      }
      chunkLeft--;
      return rawByte();
    }

    /**
     * The size line of the next chunk (after the CR LF that ended the previous one), parsed without
     * touching {@link #line}: a chunk may end in the middle of a line. 0 at the last chunk, -1 at
     * the end of the stream.
     */
    private long chunkSize() throws IOException {
      long size = 0;
      boolean digits = false;
      boolean extension = false;
      for (int b; (b = rawByte()) >= 0; ) {
        if (b == '\n') {
          if (digits) {
            return size;
          }
        } else if (b == ';') {
          extension = true;
        } else if (!extension && Character.digit(b, 16) >= 0) {
          size = size * 16 + Character.digit(b, 16);
          digits = true;
        }
      }
      return -1;
    }

    private int rawByte() throws IOException {
      if (position == limit) {
        int n = in.read(buffer);
        if (n < 0) {
          return -1;
        }
        position = 0;
        limit = n;
      }
      return buffer[position++] & 0xff;
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing is all that is left to do
    }
  }
}
