package io.keywatch.proxy;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * HTTP/2 over cleartext with prior knowledge, frames written by hand, for what an HTTP/2 client
 * library would refuse to send (a {@code :path} with CR/LF). Header fields are encoded as HPACK
 * literals without indexing and with new names (RFC 7541 section 6.2.2), so nothing needs a table.
 */
final class H2cClient {

  private static final int HEADERS = 1;
  private static final int RST_STREAM = 3;
  private static final int SETTINGS = 4;
  private static final int GOAWAY = 7;

  /** RFC 7541 appendix A: the static table's :status entries, by index. */
  private static final int[] STATIC_STATUS = {
    0, 0, 0, 0, 0, 0, 0, 0, 200, 204, 206, 304, 400, 404, 500
  };

  private H2cClient() {}

  /** How stream 1 ended: the status of its response, or -1 for a reset or GOAWAY. */
  record Answer(int status, String frames) {}

  /** Sends one GET with these pseudo-headers on stream 1 and reads until its response head. */
  static Answer get(URI proxy, String authority, String path) throws IOException {
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    literal(block, ":method", "GET");
    literal(block, ":scheme", "http");
    literal(block, ":authority", authority);
    literal(block, ":path", path);
    try (Socket s = new Socket(proxy.getHost(), proxy.getPort())) {
      s.setSoTimeout(30_000);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      frame(out, SETTINGS, 0, 0, new byte[0]);
      frame(out, HEADERS, 0x4 | 0x1, 1, block.toByteArray()); // END_HEADERS | END_STREAM
      s.getOutputStream().write(out.toByteArray());
      s.getOutputStream().flush();
      DataInputStream in = new DataInputStream(s.getInputStream());
      StringBuilder seen = new StringBuilder();
      try {
        while (true) {
          int length = (in.readUnsignedShort() << 8) | in.readUnsignedByte();
          int type = in.readUnsignedByte();
          int flags = in.readUnsignedByte();
          int stream = in.readInt() & 0x7fffffff;
          byte[] payload = in.readNBytes(length);
          seen.append(type)
              .append('/')
              .append(stream)
              .append(':')
              .append(HexFormat.of().formatHex(payload))
              .append(' ');
          if (type == SETTINGS && (flags & 0x1) == 0) {
            frame(s, SETTINGS, 0x1, 0, new byte[0]); // ACK
          } else if (type == HEADERS && stream == 1) {
            return new Answer(status(payload), seen.toString());
          } else if ((type == RST_STREAM && stream == 1) || type == GOAWAY) {
            return new Answer(-1, seen.toString());
          }
        }
      } catch (EOFException closed) {
        return new Answer(-1, seen + "EOF");
      }
    }
  }

  /**
   * The :status of a response head: its first field, as Grizzly writes it, either a static table
   * entry or a literal with the static name :status (index 8) and a value of digits, plain or
   * Huffman-coded (RFC 7541 appendix B: the digits' codes are 5 or 6 bits long).
   */
  static int status(byte[] block) {
    int i = 0;
    while (i < block.length && (block[i] & 0xe0) == 0x20) {
      i++; // dynamic table size updates
    }
    if (i >= block.length) {
      return 0;
    }
    int first = block[i] & 0xff;
    if ((first & 0x80) != 0) {
      int index = first & 0x7f;
      return index < STATIC_STATUS.length ? STATIC_STATUS[index] : 0;
    }
    int nameIndex = (first & 0xc0) == 0x40 ? first & 0x3f : first & 0x0f;
    if (nameIndex != 8 || i + 1 >= block.length) {
      return 0;
    }
    boolean huffman = (block[i + 1] & 0x80) != 0;
    int length = block[i + 1] & 0x7f;
    StringBuilder digits = new StringBuilder();
    if (!huffman) {
      for (int k = 0; k < length; k++) {
        digits.append((char) block[i + 2 + k]);
      }
    } else {
      long bits = 0;
      int count = 0;
      for (int k = 0; k < length; k++) {
        bits = (bits << 8) | (block[i + 2 + k] & 0xff);
        count += 8;
      }
      while (count >= 5) {
        int five = (int) (bits >>> (count - 5)) & 0x1f;
        if (five <= 2) { // 00000, 00001, 00010: '0', '1', '2'
          digits.append((char) ('0' + five));
          count -= 5;
        } else if (count >= 6
            && ((bits >>> (count - 6)) & 0x3f) >= 0x19
            && ((bits >>> (count - 6)) & 0x3f) <= 0x1f) {
          digits.append(
              (char) ('3' + ((bits >>> (count - 6)) & 0x3f) - 0x19)); // 011001 .. 011111: '3'..'9'
          count -= 6;
        } else {
          break; // padding (all ones)
        }
      }
    }
    try {
      return Integer.parseInt(digits.toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static void literal(ByteArrayOutputStream block, String name, String value) {
    block.write(0x00);
    string(block, name.getBytes(StandardCharsets.ISO_8859_1));
    string(block, value.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** An HPACK string literal, not Huffman-coded; lengths below 127 fit the 7-bit prefix. */
  private static void string(ByteArrayOutputStream block, byte[] bytes) {
    if (bytes.length >= 127) {
      throw new IllegalArgumentException("a longer string needs a multi-byte length");
    }
    block.write(bytes.length);
    block.writeBytes(bytes);
  }

  private static void frame(
      ByteArrayOutputStream out, int type, int flags, int stream, byte[] payload) {
    out.write(payload.length >>> 16);
    out.write(payload.length >>> 8);
    out.write(payload.length);
    out.write(type);
    out.write(flags);
    out.write(stream >>> 24);
    out.write(stream >>> 16);
    out.write(stream >>> 8);
    out.write(stream);
    out.writeBytes(payload);
  }

  private static void frame(Socket s, int type, int flags, int stream, byte[] payload)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    frame(out, type, flags, stream, payload);
    s.getOutputStream().write(out.toByteArray());
  }
}
