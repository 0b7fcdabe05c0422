package io.keywatch.proxy.balance;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The candidate with the fewest requests in flight for its weight, {@code (inFlight + 1) / weight}
 * (APISIX's score); ties go round, starting one further at each pick.
 */
final class LeastConnections implements Balancer {

  private final AtomicInteger start = new AtomicInteger();

  @Override
  public NodeState pick(NodeState[] candidates, int count, String key) {
    if (count == 0) {
      return null;
    }
    int first = Math.floorMod(start.getAndIncrement(), count);
    NodeState best = null;
    double bestScore = Double.MAX_VALUE;
    for (int i = 0; i < count; i++) {
      NodeState c = candidates[(first + i) % count];
      double score = (c.inFlight() + 1) / (double) c.node().weight();
      if (score < bestScore) {
        best = c;
        bestScore = score;
      }
    }
    return best;
  }
}
