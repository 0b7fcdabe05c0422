package io.keywatch.proxy.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.kv.KeyValue;
import io.keywatch.kv.KvEvent;
import io.keywatch.kv.Range;
import io.keywatch.proxy.balance.Pool;
import io.keywatch.watch.EventBatch;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RouteSnapshotTest {

  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  static final UUID STORE = UUID.randomUUID();

  static KeyValue kv(String key, String json, long rev) {
    return new KeyValue(
        key,
        json == null ? null : json.getBytes(StandardCharsets.UTF_8),
        1,
        rev,
        json == null ? 0 : 1,
        NOW);
  }

  static String route(String uri, String upstream) {
    return "{\"uri\":\"" + uri + "\",\"upstream\":\"" + upstream + "\"}";
  }

  static KvEvent put(String key, String json, long rev) {
    return KvEvent.of(kv(key, json, rev), null, rev);
  }

  static KvEvent delete(String key, long rev) {
    return KvEvent.of(kv(key, null, rev), null, rev);
  }

  static RouteSnapshot loaded(long rev, KeyValue... kvs) {
    return RouteSnapshot.load(STORE, new Range(List.of(kvs), rev));
  }

  @Test
  void loadSkipsRoutesThatDoNotParse() {
    RouteSnapshot s =
        loaded(3, kv("/routes/a", route("/a", "http://a"), 1), kv("/routes/bad", "{\"uri\":1}", 2));
    assertThat(s.size()).isEqualTo(1);
    assertThat(s.live()).isTrue();
    assertThat(s.revision()).isEqualTo(3);
    assertThat(s.index().match("GET", "h", "/a")).isNotNull();
  }

  @Test
  void aBatchAppliesAsOneNewTable() {
    RouteSnapshot s = loaded(1, kv("/routes/a", route("/a", "http://a"), 1));
    RouteSnapshot next =
        s.apply(
            new EventBatch(
                1,
                4,
                List.of(
                    put("/routes/b", route("/b", "http://b"), 2),
                    put("/routes/a", route("/a2", "http://a"), 3),
                    delete("/routes/b", 4))),
            NOW);

    assertThat(next.revision()).isEqualTo(4);
    assertThat(next.index().match("GET", "h", "/a")).isNull();
    assertThat(next.index().match("GET", "h", "/a2")).isNotNull();
    assertThat(next.index().match("GET", "h", "/b")).isNull();
    assertThat(s.index().match("GET", "h", "/a")).as("the old table is untouched").isNotNull();
  }

  @Test
  void batchesAtOrBelowTheTableAreIgnored() {
    RouteSnapshot s = loaded(5, kv("/routes/a", route("/a", "http://a"), 5));
    assertThat(s.apply(new EventBatch(3, 5, List.of(delete("/routes/a", 4))), NOW)).isSameAs(s);
    assertThat(s.needsReload(new EventBatch(3, 5, List.of()))).isFalse();
  }

  @Test
  void aBatchThatStartsAboveTheTableNeedsAReload() {
    RouteSnapshot s = loaded(5);
    assertThat(s.needsReload(new EventBatch(5, 6, List.of()))).isFalse();
    assertThat(s.needsReload(new EventBatch(6, 7, List.of()))).isTrue();
  }

  @Test
  void aTableNotFromTheWatchIsReloadedAtTheFirstBatch() {
    RouteSnapshot fromDisk = new RouteSnapshot(STORE, 9, false, loaded(9).index());
    assertThat(fromDisk.needsReload(new EventBatch(9, 9, List.of()))).isTrue();
    assertThat(RouteSnapshot.EMPTY.needsReload(new EventBatch(0, 0, List.of()))).isTrue();
  }

  @Test
  void aValueThatNoLongerParsesRemovesTheOldRoute() {
    RouteSnapshot s = loaded(1, kv("/routes/a", route("/a", "http://a"), 1));
    RouteSnapshot next =
        s.apply(new EventBatch(1, 2, List.of(put("/routes/a", "not json", 2))), NOW);
    assertThat(next.size()).isZero();
    assertThat(next.revision()).isEqualTo(2);
  }

  @Test
  void anEmptyBatchMovesTheRevision() {
    RouteSnapshot s = loaded(1);
    assertThat(s.apply(new EventBatch(1, 8, List.of()), NOW).revision()).isEqualTo(8);
  }

  @Test
  void anUpstreamChangeReachesEveryRouteThatNamesItInTheSameSwap() {
    String byId = "{\"uri\":\"/%s\",\"upstream_id\":\"u1\"}";
    RouteSnapshot s =
        RouteSnapshot.load(
            STORE,
            new Range(
                List.of(
                    kv("/routes/a", byId.formatted("a"), 2),
                    kv("/routes/b", byId.formatted("b"), 3),
                    kv("/routes/c", "{\"uri\":\"/c\",\"upstream_id\":\"absent\"}", 4)),
                5),
            new Range(
                List.of(
                    kv("/upstreams/u1", "{\"nodes\":{\"one:80\":1}}", 1),
                    kv("/upstreams/u2", "{\"nodes\":{\"two:80\":1}}", 1)),
                5),
            Map.of());
    Pool before = s.pool(s.index().match("GET", "h", "/a"));
    assertThat(before.nodes().get(0).node().host()).isEqualTo("one");
    assertThat(s.pool(s.index().match("GET", "h", "/c"))).as("names no stored upstream").isNull();

    RouteSnapshot next =
        s.apply(
            new EventBatch(5, 6, List.of(put("/upstreams/u1", "{\"nodes\":{\"three:80\":1}}", 6))),
            NOW);
    for (String path : List.of("/a", "/b")) {
      assertThat(next.pool(next.index().match("GET", "h", path)).nodes().get(0).node().host())
          .isEqualTo("three");
    }
    assertThat(s.pool(s.index().match("GET", "h", "/b")).nodes().get(0).node().host())
        .as("the old table is untouched")
        .isEqualTo("one");
    assertThat(next.upstreams().get("/upstreams/u2"))
        .as("an unchanged upstream keeps its node state")
        .isSameAs(s.upstreams().get("/upstreams/u2"));

    RouteSnapshot gone = next.apply(new EventBatch(6, 7, List.of(delete("/upstreams/u1", 7))), NOW);
    assertThat(gone.pool(gone.index().match("GET", "h", "/a"))).isNull();
  }
}
