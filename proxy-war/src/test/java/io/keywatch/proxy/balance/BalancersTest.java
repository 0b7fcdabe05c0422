package io.keywatch.proxy.balance;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.routes.Upstream;
import io.keywatch.routes.Upstream.Node;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BalancersTest {

  static Upstream upstream(Upstream.Type type, Node... nodes) {
    return new Upstream(
        List.of(nodes),
        type,
        Upstream.HashOn.VARS,
        "remote_addr",
        "http",
        OptionalInt.empty(),
        Upstream.Timeouts.NONE,
        Upstream.PassHost.PASS,
        Optional.empty(),
        Upstream.Checks.DEFAULT,
        true);
  }

  static String pick(Pool pool, String key) {
    return pool.choose(key, Set.of(), 0).node().host();
  }

  @Test
  void weightedRoundRobinIsSmoothLikeNginxs() {
    Pool pool =
        new Pool(
            "u",
            upstream(
                Upstream.Type.ROUNDROBIN,
                new Node("a", 80, 5),
                new Node("b", 80, 1),
                new Node("c", 80, 1)));
    List<String> seq = new ArrayList<>();
    for (int i = 0; i < 14; i++) {
      seq.add(pick(pool, null));
    }
    assertThat(String.join(" ", seq)).isEqualTo("a a b a c a a a a b a c a a");
  }

  @Test
  void roundRobinSkipsANodeThatIsOutAndTheOthersKeepTheirShares() {
    Pool pool =
        new Pool(
            "u",
            upstream(
                Upstream.Type.ROUNDROBIN,
                new Node("a", 80, 2),
                new Node("b", 80, 1),
                new Node("c", 80, 1)));
    NodeState c = pool.nodes().get(2);
    c.failed(
        NodeState.Failure.TCP, Upstream.Passive.DEFAULT.unhealthy(), 1000, Duration.ofSeconds(10));
    c.failed(
        NodeState.Failure.TCP, Upstream.Passive.DEFAULT.unhealthy(), 1000, Duration.ofSeconds(10));
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 30; i++) {
      counts.merge(pool.choose(null, Set.of(), 2000).node().host(), 1, Integer::sum);
    }
    assertThat(counts).containsOnly(Map.entry("a", 20), Map.entry("b", 10));
    assertThat(pool.choose(null, Set.of(), 11_000).node().host())
        .as("back after the time out")
        .isNotNull();
    assertThat(c.healthy(11_000)).isTrue();
  }

  @Test
  void consistentHashingMovesAtMostAboutOneNthOfTheKeysWhenANodeJoins() {
    Node[] four =
        IntStream.range(0, 4).mapToObj(i -> new Node("10.0.0." + i, 80, 1)).toArray(Node[]::new);
    Node[] five =
        IntStream.range(0, 5).mapToObj(i -> new Node("10.0.0." + i, 80, 1)).toArray(Node[]::new);
    Pool before = new Pool("u", upstream(Upstream.Type.CHASH, four));
    Pool after = new Pool("u", upstream(Upstream.Type.CHASH, five));
    int keys = 20_000;
    int moved = 0;
    Map<String, Integer> load = new HashMap<>();
    for (int i = 0; i < keys; i++) {
      String key = "client-" + i;
      String was = pick(before, key);
      String is = pick(after, key);
      load.merge(is, 1, Integer::sum);
      if (!was.equals(is)) {
        moved++;
        assertThat(is).as("a key moves only to the new node").isEqualTo("10.0.0.4");
      }
      assertThat(pick(after, key)).as("the same key, the same node").isEqualTo(is);
    }
    assertThat(moved / (double) keys).as("share of keys moved").isBetween(0.12, 0.25);
    assertThat(load.values())
        .allSatisfy(n -> assertThat(n).isBetween(keys / 5 * 3 / 4, keys / 5 * 5 / 4));
  }

  @Test
  void consistentHashingSendsAKeyElsewhereOnlyWhileItsNodeIsTriedOrOut() {
    Pool pool =
        new Pool(
            "u",
            upstream(
                Upstream.Type.CHASH,
                new Node("a", 80, 1),
                new Node("b", 80, 1),
                new Node("c", 80, 1)));
    String home = pick(pool, "k");
    NodeState homeNode =
        pool.nodes().stream().filter(n -> n.node().host().equals(home)).findFirst().orElseThrow();
    NodeState other = pool.choose("k", Set.of(homeNode), 0);
    assertThat(other.node().host()).isNotEqualTo(home);
    assertThat(pick(pool, "k")).isEqualTo(home);
  }

  @Test
  void leastConnectionsPicksTheNodeWithTheFewestRequestsInFlightForItsWeight() {
    Pool pool =
        new Pool(
            "u", upstream(Upstream.Type.LEAST_CONN, new Node("a", 80, 1), new Node("b", 80, 2)));
    NodeState a = pool.nodes().get(0);
    NodeState b = pool.nodes().get(1);
    b.started();
    b.started(); // b: 3/2 against a: 1/1
    assertThat(pool.choose(null, Set.of(), 0)).isSameAs(a);
    a.started();
    a.started(); // a: 3/1 against b: 3/2
    assertThat(pool.choose(null, Set.of(), 0)).isSameAs(b);
    b.ended();
    b.ended();
    a.ended();
    a.ended();
    Set<NodeState> firstPicks = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      NodeState n = pool.choose(null, Set.of(), 0);
      firstPicks.add(n);
      n.started();
    }
    assertThat(firstPicks).containsExactlyInAnyOrder(a, b);
  }

  @Test
  void everyNodeTriedMeansNoneLeftAndAllOutMeansTheyAreTriedAnyway() {
    Pool pool =
        new Pool(
            "u",
            upstream(
                Upstream.Type.ROUNDROBIN,
                new Node("a", 80, 1),
                new Node("b", 80, 1),
                new Node("z", 80, 0)));
    Set<NodeState> tried = new HashSet<>();
    tried.add(pool.choose(null, tried, 0));
    tried.add(pool.choose(null, tried, 0));
    assertThat(pool.choose(null, tried, 0)).as("a node of weight 0 is never chosen").isNull();
    for (NodeState n : pool.nodes()) {
      for (int i = 0; i < 2; i++) {
        n.failed(
            NodeState.Failure.TCP, Upstream.Passive.DEFAULT.unhealthy(), 0, Duration.ofSeconds(10));
      }
    }
    assertThat(pool.choose(null, Set.of(), 1)).isNotNull();
  }

  @Test
  void activeProbesTakeANodeOutAndBringItBack() {
    Upstream.Active check =
        new Upstream.Active(
            Duration.ofSeconds(1),
            "/health",
            Optional.empty(),
            OptionalInt.empty(),
            new Upstream.Healthy(Duration.ofSeconds(1), Set.of(200), 2),
            new Upstream.Unhealthy(Duration.ofMillis(500), Set.of(500), 3, 2, 3));
    NodeState n =
        new Pool("u", upstream(Upstream.Type.ROUNDROBIN, new Node("a", 80, 1))).nodes().get(0);
    assertThat(n.probeDue(0, check)).isTrue();
    assertThat(n.probeDue(0, check)).as("one probe at a time").isFalse();
    n.probed(NodeState.Failure.TCP, check);
    assertThat(n.probeDue(999, check)).as("healthy: next after healthy.interval").isFalse();
    assertThat(n.probeDue(1000, check)).isTrue();
    n.probed(NodeState.Failure.TCP, check);
    assertThat(n.healthy(1000)).as("out after tcp_failures in a row").isFalse();
    assertThat(n.probeDue(2000, check)).isTrue();
    n.probed(null, check);
    assertThat(n.healthy(2000)).isFalse();
    assertThat(n.probeDue(2499, check)).as("unhealthy: next after unhealthy.interval").isFalse();
    assertThat(n.probeDue(2500, check)).isTrue();
    n.probed(null, check);
    assertThat(n.healthy(2500)).as("back after healthy.successes in a row").isTrue();
  }
}
