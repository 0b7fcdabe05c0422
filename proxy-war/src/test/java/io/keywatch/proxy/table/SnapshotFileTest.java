package io.keywatch.proxy.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywatch.kv.Range;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
  void urisWildcardHostsPriorityAndRewritesReadBackTheSame() throws IOException {
    RouteSnapshot s =
        RouteSnapshot.load(
            UUID.randomUUID(),
            new Range(
                List.of(
                    RouteSnapshotTest.kv(
                        "/routes/r",
                        "{\"uris\":[\"/a/*\",\"/b\"],\"upstream\":\"http://127.0.0.1:1\","
                            + "\"hosts\":[\"*.h.example\",\"x.example\"],\"priority\":7,"
                            + "\"plugins\":{\"proxy-rewrite\":{\"regex_uri\":[\"^/a/(.*)\",\"/$1\"],"
                            + "\"host\":\"up.example\"}}}",
                        3)),
                7));
    SnapshotFile file = new SnapshotFile(dir.resolve("routes.json"));
    file.write(s);

    RouteSnapshot read = file.read().orElseThrow();
    assertThat(read.index().get("/routes/r").route()).isEqualTo(s.index().get("/routes/r").route());
    var target = read.index().match("GET", "www.h.example", "/a/z");
    assertThat(target.upstreamPath("/a/z")).isEqualTo("/z");
    assertThat(target.hostRewrite()).isEqualTo("up.example");
    assertThat(read.index().match("GET", "x.example", "/b")).isNotNull();
  }

  @Test
  void storedUpstreamsAndRoutesThatNameThemReadBackTogether() throws IOException {
    RouteSnapshot s =
        RouteSnapshot.load(
            UUID.randomUUID(),
            new Range(
                List.of(
                    RouteSnapshotTest.kv(
                        "/routes/a", "{\"uri\":\"/a\",\"upstream_id\":\"u1\"}", 3)),
                7),
            new Range(
                List.of(
                    RouteSnapshotTest.kv(
                        "/upstreams/u1",
                        "{\"type\":\"chash\",\"key\":\"uri\",\"nodes\":{\"127.0.0.1:1\":2}}",
                        2)),
                7),
            Map.of());
    SnapshotFile file = new SnapshotFile(dir.resolve("routes.json"));
    file.write(s);

    RouteSnapshot read = file.read().orElseThrow();
    assertThat(read.pool(read.index().match("GET", "h", "/a")).upstream())
        .isEqualTo(s.upstreams().get("/upstreams/u1").upstream());
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
