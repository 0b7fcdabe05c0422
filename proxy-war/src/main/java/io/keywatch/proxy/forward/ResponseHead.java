package io.keywatch.proxy.forward;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The status line and headers of an upstream's response, read strictly: a malformed or oversized
 * head is an {@link InvalidResponseException}, so nothing ambiguous is passed on to the client.
 *
 * @param headers names and values in order, names as the upstream spelled them
 */
record ResponseHead(int version, int status, List<Header> headers) {

  record Header(String name, String value) {}

  /** The upstream sent something that is not an HTTP/1.x response this proxy can pass on. */
  static final class InvalidResponseException extends IOException {
    InvalidResponseException(String message) {
      super(message);
    }
  }

  /** The upstream closed the connection before sending a byte of its response. */
  static final class NoResponseException extends EOFException {
    NoResponseException() {
      super("the upstream closed the connection without a response");
    }
  }

  /** Reads one head; {@code version} is the minor version (1 for HTTP/1.1). */
  static ResponseHead read(InputStream in, int maxBytes) throws IOException {
    int[] budget = {maxBytes};
    String statusLine = line(in, budget, true);
    if (statusLine.length() < 12 || !statusLine.startsWith("HTTP/1.") || statusLine.charAt(8) != ' '
        || statusLine.length() > 12 && statusLine.charAt(12) != ' ') {
      throw new InvalidResponseException("bad status line: " + statusLine);
    }
    int status;
    try {
      status = Integer.parseInt(statusLine.substring(9, 12));
    } catch (NumberFormatException e) {
      throw new InvalidResponseException("bad status line: " + statusLine);
    }
    if (status < 100) {
      throw new InvalidResponseException("bad status: " + status);
    }
    List<Header> headers = new ArrayList<>();
    for (String h = line(in, budget, false); !h.isEmpty(); h = line(in, budget, false)) {
      int colon = h.indexOf(':');
      if (colon <= 0 || h.charAt(0) == ' ' || h.charAt(0) == '\t' || h.charAt(colon - 1) == ' ' || h.charAt(colon - 1) == '\t') {
        // also refuses obsolete line folding, as RFC 9112 section 5.2 lets a proxy do
        throw new InvalidResponseException("bad header line: " + h);
      }
      headers.add(new Header(h.substring(0, colon), h.substring(colon + 1).strip()));
    }
    return new ResponseHead(statusLine.charAt(7) - '0', status, headers);
  }

  /** Reads a line ending in CRLF (or a bare LF), without it, as ISO-8859-1. */
  static String line(InputStream in, int[] budget, boolean first) throws IOException {
    StringBuilder line = new StringBuilder(64);
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        if (first && line.length() == 0) {
          throw new NoResponseException();
        }
        throw new EOFException("the upstream closed the connection in the middle of the response head");
      }
      if (--budget[0] < 0) {
        throw new InvalidResponseException("response head larger than the limit");
      }
      if (b != '\r') {
        if (b == 0) {
          throw new InvalidResponseException("NUL in the response head");
        }
        line.append((char) b);
      }
    }
    return line.toString();
  }

  /** The values of a header, comma-separated lists split, lower-cased. */
  List<String> tokens(String name) {
    List<String> tokens = new ArrayList<>(2);
    for (Header h : headers) {
      if (h.name().equalsIgnoreCase(name)) {
        for (String t : h.value().split(",")) {
          if (!t.isBlank()) {
            tokens.add(t.strip().toLowerCase(java.util.Locale.ROOT));
          }
        }
      }
    }
    return tokens;
  }
}
