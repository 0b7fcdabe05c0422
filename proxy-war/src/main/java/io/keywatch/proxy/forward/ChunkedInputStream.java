package io.keywatch.proxy.forward;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * A body in chunked transfer coding (RFC 9112 section 7.1), decoded; trailers are read and dropped.
 * Ending before the last chunk is an {@link EOFException}; a malformed chunk is an {@link
 * ResponseHead.InvalidResponseException}, never a guess.
 */
final class ChunkedInputStream extends InputStream {

  private static final int MAX_LINE = 4096;

  private final InputStream in;
  private long remaining;
  private boolean done;

  ChunkedInputStream(InputStream in) {
    this.in = in;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (done) {
      return -1;
    }
    if (remaining == 0) {
      remaining = nextChunkSize();
      if (remaining == 0) {
        skipTrailers();
        done = true;
        return -1;
      }
    }
    int n = in.read(b, off, (int) Math.min(len, remaining));
    if (n < 0) {
      throw new EOFException("the upstream closed the connection inside a chunk");
    }
    remaining -= n;
    if (remaining == 0 && !ResponseHead.line(in, new int[] {MAX_LINE}, false).isEmpty()) {
      throw new ResponseHead.InvalidResponseException("chunk not followed by CRLF");
    }
    return n;
  }

  @Override
  public int available() throws IOException {
    return (int) Math.min(in.available(), remaining);
  }

  private long nextChunkSize() throws IOException {
    String line = ResponseHead.line(in, new int[] {MAX_LINE}, false);
    int semicolon = line.indexOf(';');
    String hex = (semicolon < 0 ? line : line.substring(0, semicolon)).strip();
    if (hex.isEmpty() || hex.length() > 15) {
      throw new ResponseHead.InvalidResponseException("bad chunk size: " + line);
    }
    try {
      return Long.parseLong(hex, 16);
    } catch (NumberFormatException e) {
      throw new ResponseHead.InvalidResponseException("bad chunk size: " + line);
    }
  }

  private void skipTrailers() throws IOException {
    int[] budget = {MAX_LINE};
    while (!ResponseHead.line(in, budget, false).isEmpty()) {
      // trailers are not passed on: the response to the client is framed by the container
    }
  }
}
