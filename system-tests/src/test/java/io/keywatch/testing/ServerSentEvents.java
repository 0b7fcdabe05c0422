package io.keywatch.testing;

/**
 * Splits the lines of a {@code text/event-stream} into events as a browser's EventSource does, for
 * the fields Keywatch sends: {@code event} (default "message"), {@code id} (kept for the events
 * after it until another comes) and {@code data} (lines joined by newlines); comments are skipped.
 */
public final class ServerSentEvents {

  /** Called once for each event, in order. */
  @FunctionalInterface
  public interface Listener {
    void onEvent(String name, String id, String data);
  }

  private ServerSentEvents() {}

  /** Reads until the lines end; an event not ended by an empty line is not dispatched. */
  public static void read(Iterable<String> lines, Listener listener) {
    String name = "message";
    String id = null;
    StringBuilder data = new StringBuilder();
    for (String line : lines) {
      if (line.isEmpty()) {
        if (data.length() > 0) {
          listener.onEvent(name, id, data.toString());
        }
        name = "message";
        data.setLength(0);
      } else if (line.startsWith("event:")) {
        name = line.substring(6).strip();
      } else if (line.startsWith("id:")) {
        id = line.substring(3).strip();
      } else if (line.startsWith("data:")) {
        data.append(data.length() > 0 ? "\n" : "").append(line.substring(5).strip());
      }
    }
  }
}
