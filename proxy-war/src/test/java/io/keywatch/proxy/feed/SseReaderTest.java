package io.keywatch.proxy.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SseReaderTest {

  private static SseReader reader(String text) {
    return new SseReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void framesEndAtABlankLineAndCarryTheirEventIdAndData() throws IOException {
    SseReader r =
        reader(
            "event: progress\nid: 7\ndata: {\"revision\":7}\n\n"
                + ": a comment\n\nevent: put\nid: 8\ndata: {\"a\":1}\n\n");
    assertThat(r.next()).isEqualTo(new SseReader.Frame("progress", "7", "{\"revision\":7}"));
    assertThat(r.next()).isEqualTo(new SseReader.Frame("put", "8", "{\"a\":1}"));
  }

  @Test
  void dataLinesAreJoinedWithLineBreaksAndAFrameWithoutEventIsAMessage() throws IOException {
    SseReader r = reader("data:one\ndata: two\n\n");
    assertThat(r.next()).isEqualTo(new SseReader.Frame("message", null, "one\ntwo"));
  }

  @Test
  void aStreamThatEndsInsideAFrameFails() {
    SseReader r = reader("event: put\nid: 9\ndata: {");
    assertThatThrownBy(r::next).isInstanceOf(IOException.class);
  }
}
