package io.keywatch.proxy.forward;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** The next {@code length} bytes of a stream; ending sooner is an {@link EOFException}. */
final class LengthInputStream extends InputStream {

  private final InputStream in;
  private long remaining;

  LengthInputStream(InputStream in, long length) {
    this.in = in;
    this.remaining = length;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (remaining == 0) {
      return -1;
    }
    int n = in.read(b, off, (int) Math.min(len, remaining));
    if (n < 0) {
      throw new EOFException("the upstream closed the connection with " + remaining + " bytes of the body unsent");
    }
    remaining -= n;
    return n;
  }

  @Override
  public int available() throws IOException {
    return (int) Math.min(in.available(), remaining);
  }
}
