package io.keywatch.proxy.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BodyStreamsTest {

  @Test
  void chunkedRoundTripsAndStopsAtTheLastChunk() throws IOException {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    ChunkedOutputStream out = new ChunkedOutputStream(wire);
    out.write("hello ".getBytes(StandardCharsets.UTF_8));
    out.write(new byte[0]);
    out.write("world".getBytes(StandardCharsets.UTF_8));
    out.finish();
    wire.write("NEXT".getBytes(StandardCharsets.UTF_8));

    InputStream in = ResponseHeadTest.in(wire.toString(StandardCharsets.ISO_8859_1));
    assertThat(new String(new ChunkedInputStream(in).readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello world");
    assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).as("the next response is left alone").isEqualTo("NEXT");
  }

  @Test
  void chunkExtensionsAndTrailersAreDropped() throws IOException {
    InputStream in = ResponseHeadTest.in("3;ext=1\r\nabc\r\n0\r\nTrailer: x\r\n\r\n");
    assertThat(new ChunkedInputStream(in).readAllBytes()).isEqualTo("abc".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aCutChunkedBodyIsAnError() {
    assertThatThrownBy(() -> new ChunkedInputStream(ResponseHeadTest.in("5\r\nab")).readAllBytes()).isInstanceOf(EOFException.class);
    assertThatThrownBy(() -> new ChunkedInputStream(ResponseHeadTest.in("5\r\nabcde\r\n")).readAllBytes()).isInstanceOf(EOFException.class);
    assertThatThrownBy(() -> new ChunkedInputStream(ResponseHeadTest.in("zz\r\n")).readAllBytes())
        .isInstanceOf(ResponseHead.InvalidResponseException.class);
  }

  @Test
  void aLengthBodyEndsAtItsLengthAndACutOneIsAnError() throws IOException {
    InputStream in = ResponseHeadTest.in("abcdefNEXT");
    assertThat(new LengthInputStream(in, 6).readAllBytes()).isEqualTo("abcdef".getBytes(StandardCharsets.UTF_8));
    assertThat(in.readAllBytes()).isEqualTo("NEXT".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> new LengthInputStream(ResponseHeadTest.in("abc"), 6).readAllBytes()).isInstanceOf(EOFException.class);
  }
}
