package io.keywatch.proxy.feed;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Server-Sent Events from a stream, one frame at a time: {@code event:}, {@code id:} and {@code
 * data:} lines up to a blank line (several data lines are joined with line breaks, comments are
 * skipped), as the admin's watch writes them.
 */
final class SseReader implements AutoCloseable {

  /** One event; {@code id} is null when it had none. */
  record Frame(String event, String id, String data) {}

  private final BufferedReader lines;

  SseReader(InputStream in) {
    this.lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  /** The next frame; blocks until it is complete. Throws at the end of the stream. */
  Frame next() throws IOException {
    String event = "message";
    String id = null;
    StringBuilder data = null;
    while (true) {
      String line = lines.readLine();
      if (line == null) {
        throw new IOException("the watch stream ended");
      }
      if (line.isEmpty()) {
        if (data != null || id != null) {
          return new Frame(event, id, data == null ? "" : data.toString());
        }
        continue;
      }
      if (line.startsWith(":")) {
        continue;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "event" -> event = value;
        case "id" -> id = value;
        case "data" ->
            data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        default -> {
          // retry and unknown fields: nothing a follower needs
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    lines.close();
  }
}
