package io.keywatch.proxy.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywatch.kv.Range;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotFileTest {

  @TempDir Path dir;

  @Test
  void aWrittenTableReadsBackNotLive() throws IOException {
    UUID store = UUID.randomUUID();
    RouteSnapshot s =
        RouteSnapshot.load(
            store,
            new Range(
                List.of(
                    RouteSnapshotTest.kv(
                        "/routes/a",
                        "{\"uri\":\"/a/*\",\"upstream\":\"http://127.0.0.1:1/x\",\"methods\":[\"GET\"],\"host\":\"h.example\",\"timeout\":1.5}",
                        3),
                    RouteSnapshotTest.kv(
                        "/routes/b", RouteSnapshotTest.route("/b", "http://b"), 4)),
                7));
    SnapshotFile file = new SnapshotFile(dir.resolve("sub/routes.json"));
    file.write(s);

    RouteSnapshot read = file.read().orElseThrow();
    assertThat(read.live()).isFalse();
    assertThat(read.storeId()).isEqualTo(store);
    assertThat(read.revision()).isEqualTo(7);
    assertThat(read.size()).isEqualTo(2);
    assertThat(read.index().get("/routes/a").route()).isEqualTo(s.index().get("/routes/a").route());
    assertThat(read.index().match("GET", "h.example", "/a/z")).isNotNull();
    try (var files = Files.list(dir.resolve("sub"))) {
      assertThat(files)
          .as("no temporary file is left behind")
          .containsExactly(dir.resolve("sub/routes.json"));
    }
  }

  @Test
  void aMissingFileIsNoSnapshot() throws IOException {
    assertThat(new SnapshotFile(dir.resolve("none.json")).read()).isEmpty();
  }

  @Test
  void aBrokenFileIsAnError() throws IOException {
    Files.writeString(dir.resolve("broken.json"), "{\"revision\":");
    assertThatThrownBy(() -> new SnapshotFile(dir.resolve("broken.json")).read())
        .isInstanceOf(IOException.class);
  }
}
