package io.keywatch.proxy;

import static io.keywatch.proxy.ForwardingIT.routeTo;
import static io.keywatch.testing.Keywatch.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.testing.Keywatch;
import io.keywatch.testing.KeywatchTest;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * WebSocket upgrades pass end to end on a route with {@code enable_websocket}: frames both ways
 * untouched (a 1 MiB message too), a close from either side ends both connections, and an upstream
 * 101 that does not accept the client's key is 502. A route without the flag strips the upgrade, as
 * before. The client's frames are hand-built and masked, as RFC 6455 requires of clients.
 */
@KeywatchTest
class WebSocketIT {

  private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
  private static final Pattern TUNNELS =
      Pattern.compile("(?m)^keywatch_websocket_tunnels(\\{[^}]*})? (\\d+)");

  @Test
  void framesPassBothWaysAndAClientCloseEndsBothConnections(Keywatch kw) throws Exception {
    try (EchoWebSocket upstream = new EchoWebSocket()) {
      String base = routeTo(kw, upstream.url(), ", \"enable_websocket\": true");
      upstream.heads.clear(); // the probe that saw the route in place
      try (Socket client = connect(kw)) {
        String head = handshake(client, base + "/chat?room=1");
        assertThat(head)
            .startsWith("HTTP/1.1 101")
            .containsIgnoringCase("\r\nUpgrade: websocket")
            .contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assertThat(upstream.heads)
            .singleElement()
            .satisfies(
                h ->
                    assertThat(h)
                        .startsWith("GET " + base + "/chat?room=1 HTTP/1.1\r\n")
                        .containsIgnoringCase("\r\nSec-WebSocket-Key: " + KEY + "\r\n"));
        eventually().untilAsserted(() -> assertThat(tunnels(kw)).isEqualTo(1));

        DataInputStream in = new DataInputStream(new BufferedInputStream(client.getInputStream()));
        OutputStream out = client.getOutputStream();
        writeFrame(out, 0x1, "hello".getBytes(StandardCharsets.UTF_8));
        assertThat(readFrame(in))
            .isEqualTo(new Frame(0x1, "hello".getBytes(StandardCharsets.UTF_8)));

        byte[] mebibyte = new byte[1 << 20];
        new Random(14).nextBytes(mebibyte);
        writeFrame(out, 0x2, mebibyte);
        Frame echoed = readFrame(in);
        assertThat(echoed.opcode()).isEqualTo(0x2);
        assertThat(echoed.payload()).isEqualTo(mebibyte);

        writeFrame(out, 0x8, new byte[] {0x03, (byte) 0xe8}); // 1000: normal closure
        assertThat(readFrame(in).opcode()).isEqualTo(0x8);
        assertThat(readToEnd(in)).as("after the close").isEmpty();
      }
      eventually()
          .untilAsserted(
              () -> assertThat(upstream.ended.get()).as("upstream connections ended").isEqualTo(1));
      eventually().untilAsserted(() -> assertThat(tunnels(kw)).isEqualTo(0));
    }
  }

  @Test
  void anUpstreamCloseEndsTheClientsConnection(Keywatch kw) throws Exception {
    try (EchoWebSocket upstream = new EchoWebSocket()) {
      String base = routeTo(kw, upstream.url(), ", \"enable_websocket\": true");
      try (Socket client = connect(kw)) {
        assertThat(handshake(client, base + "/ws")).startsWith("HTTP/1.1 101");
        DataInputStream in = new DataInputStream(new BufferedInputStream(client.getInputStream()));
        writeFrame(
            client.getOutputStream(),
            0x1,
            "bye".getBytes(StandardCharsets.UTF_8)); // the upstream closes on it
        assertThat(readFrame(in).opcode()).isEqualTo(0x8);
        assertThat(readToEnd(in)).as("after the upstream closed").isEmpty();
      }
    }
  }

  @Test
  void aSwitchThatDoesNotAcceptTheClientsKeyIs502(Keywatch kw) throws Exception {
    try (RawUpstream upstream =
        new RawUpstream(
            RawUpstream.replying(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: bm90IHRoZSBrZXk=\r\n\r\n"))) {
      String base = routeTo(kw, upstream.url(), ", \"enable_websocket\": true");
      try (Socket client = connect(kw)) {
        assertThat(handshake(client, base + "/ws")).startsWith("HTTP/1.1 502");
      }
    }
  }

  @Test
  void aRouteWithoutEnableWebsocketPassesNoUpgrade(Keywatch kw) throws Exception {
    try (EchoWebSocket upstream = new EchoWebSocket()) {
      String base = routeTo(kw, upstream.url(), "");
      upstream.heads.clear();
      try (Socket client = connect(kw)) {
        assertThat(handshake(client, base + "/ws")).startsWith("HTTP/1.1 426");
      }
      assertThat(upstream.heads)
          .singleElement()
          .satisfies(h -> assertThat(h.toLowerCase()).doesNotContain("upgrade: websocket"));
    }
  }

  private static Socket connect(Keywatch kw) throws IOException {
    Socket s = new Socket(kw.proxyUri().getHost(), kw.proxyUri().getPort());
    s.setSoTimeout(30_000);
    return s;
  }

  /** Sends the client's handshake and returns the answer's head (the stream is left after it). */
  private static String handshake(Socket s, String target) throws IOException {
    s.getOutputStream()
        .write(
            ("GET "
                    + target
                    + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: "
                    + KEY
                    + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
    return head(s.getInputStream());
  }

  private static String head(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    while (!b.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      b.append((char) c);
    }
    return b.toString();
  }

  private static int tunnels(Keywatch kw) {
    String metrics =
        kw.send(HttpRequest.newBuilder(kw.proxyStatusUri().resolve("/metrics"))).body();
    Matcher m = TUNNELS.matcher(metrics);
    assertThat(m.find()).as("keywatch_websocket_tunnels in /metrics").isTrue();
    return Integer.parseInt(m.group(2));
  }

  record Frame(int opcode, byte[] payload) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Frame f
          && f.opcode == opcode
          && java.util.Arrays.equals(f.payload, payload);
    }

    @Override
    public int hashCode() {
      return opcode * 31 + java.util.Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
      return "Frame[" + opcode + ", " + payload.length + " bytes]";
    }
  }

  /**
   * One final frame; masked as a client's must be, unmasked as a server's (RFC 6455 section 5.2).
   */
  static void writeFrame(OutputStream out, int opcode, byte[] payload, boolean masked)
      throws IOException {
    ByteArrayOutputStream f = new ByteArrayOutputStream();
    f.write(0x80 | opcode);
    int mask = masked ? 0x80 : 0;
    if (payload.length < 126) {
      f.write(mask | payload.length);
    } else if (payload.length < 65536) {
      f.write(mask | 126);
      f.write(payload.length >> 8);
      f.write(payload.length);
    } else {
      f.write(mask | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        f.write((int) ((long) payload.length >> shift));
      }
    }
    byte[] key = new byte[4];
    if (masked) {
      new Random().nextBytes(key);
      f.write(key);
    }
    for (int i = 0; i < payload.length; i++) {
      f.write(payload[i] ^ key[i & 3]);
    }
    out.write(f.toByteArray());
    out.flush();
  }

  private static void writeFrame(OutputStream out, int opcode, byte[] payload) throws IOException {
    writeFrame(out, opcode, payload, true);
  }

  /** One frame, unmasked if it came masked. */
  static Frame readFrame(DataInputStream in) throws IOException {
    int b0 = in.readUnsignedByte();
    int b1 = in.readUnsignedByte();
    long length = b1 & 0x7f;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = in.readLong();
    }
    byte[] key = new byte[4];
    if ((b1 & 0x80) != 0) {
      in.readFully(key);
    }
    byte[] payload = new byte[(int) length];
    in.readFully(payload);
    for (int i = 0; i < payload.length; i++) {
      payload[i] ^= key[i & 3];
    }
    return new Frame(b0 & 0x0f, payload);
  }

  private static String readToEnd(InputStream in) throws IOException {
    try {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (SocketException reset) {
      return "";
    }
  }

  /**
   * A WebSocket echo server on loopback: answers a handshake with 101 (426 without Upgrade), echoes
   * each data frame unmasked, answers a close with a close and ends the connection, and closes by
   * itself on a text "bye". Upgraded connections that have ended are counted.
   */
  static final class EchoWebSocket implements AutoCloseable {

    final List<String> heads = new CopyOnWriteArrayList<>();
    final AtomicInteger ended = new AtomicInteger();
    private final ServerSocket server;

    EchoWebSocket() throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread t = new Thread(this::accept, "echo-websocket");
      t.setDaemon(true);
      t.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getLocalPort();
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          Thread t = new Thread(() -> serve(s), "echo-websocket-connection");
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return;
        }
      }
    }

    private void serve(Socket s) {
      boolean upgraded = false;
      try (s) {
        InputStream raw = new BufferedInputStream(s.getInputStream());
        String head = head(raw);
        if (head.isEmpty()) {
          return;
        }
        heads.add(head);
        OutputStream out = s.getOutputStream();
        Matcher key = Pattern.compile("(?im)^Sec-WebSocket-Key: *(\\S+)").matcher(head);
        if (!head.toLowerCase().contains("\r\nupgrade: websocket") || !key.find()) {
          out.write(
              "HTTP/1.1 426 Upgrade Required\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.ISO_8859_1));
          return;
        }
        byte[] sha1 =
            MessageDigest.getInstance("SHA-1")
                .digest(
                    (key.group(1) + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                        .getBytes(StandardCharsets.ISO_8859_1));
        out.write(
            ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                    + Base64.getEncoder().encodeToString(sha1)
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        upgraded = true;
        DataInputStream in = new DataInputStream(raw);
        while (true) {
          Frame f = readFrame(in);
          if (f.opcode() == 0x8) {
            writeFrame(out, 0x8, f.payload(), false);
            return;
          }
          if (f.opcode() == 0x1 && new String(f.payload(), StandardCharsets.UTF_8).equals("bye")) {
            writeFrame(out, 0x8, new byte[] {0x03, (byte) 0xe9}, false); // 1001: going away
            return;
          }
          writeFrame(out, f.opcode(), f.payload(), false);
        }
      } catch (Exception e) {
        // the gateway went away
      } finally {
        if (upgraded) {
          ended.incrementAndGet();
        }
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
