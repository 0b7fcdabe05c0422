package io.keywatch.proxy.balance;

import io.keywatch.routes.Upstream;
import java.util.Collection;
import java.util.List;

/**
 * An upstream's nodes with their state and its balancer: built once per upstream document and kept
 * across table swaps while the document stays the same.
 */
public final class Pool {

  private final String name;
  private final Upstream upstream;
  private final NodeState[] nodes;
  private final Balancer balancer;

  /**
   * @param name what logs call it: the store key of the upstream or of the route it is inline in
   */
  public Pool(String name, Upstream upstream) {
    this.name = name;
    this.upstream = upstream;
    List<Upstream.Node> list = upstream.nodes();
    nodes = new NodeState[list.size()];
    for (int i = 0; i < nodes.length; i++) {
      nodes[i] = new NodeState(name, list.get(i), i, upstream.tls());
    }
    balancer =
        switch (upstream.type()) {
          case ROUNDROBIN -> new SmoothRoundRobin(nodes.length);
          case CHASH -> new ConsistentHash(nodes);
          case LEAST_CONN -> new LeastConnections();
        };
  }

  /** This pool if it serves the same document, else a new one: health and counters carry over. */
  public Pool reuseFor(String name, Upstream next) {
    return next.equals(upstream) && name.equals(this.name) ? this : new Pool(name, next);
  }

  public String name() {
    return name;
  }

  public Upstream upstream() {
    return upstream;
  }

  public List<NodeState> nodes() {
    return List.of(nodes);
  }

  /**
   * The node for a request's next try, or null when every node of positive weight was tried: one
   * not tried that is healthy, or, when none is, one not tried at all (a node that is out may be
   * back, and trying it beats answering 502).
   *
   * @param key the request's hash key (consistent hashing only)
   */
  public NodeState choose(String key, Collection<NodeState> tried, long now) {
    if (nodes.length == 1) { // a URL's one node: no choice to make
      NodeState only = nodes[0];
      return only.node().weight() > 0 && !tried.contains(only) ? only : null;
    }
    NodeState[] candidates = new NodeState[nodes.length];
    int count = 0;
    for (NodeState n : nodes) {
      if (n.node().weight() > 0 && !tried.contains(n) && n.healthy(now)) {
        candidates[count++] = n;
      }
    }
    if (count == 0) {
      for (NodeState n : nodes) {
        if (n.node().weight() > 0 && !tried.contains(n)) {
          candidates[count++] = n;
        }
      }
    }
    return balancer.pick(candidates, count, key);
  }
}
