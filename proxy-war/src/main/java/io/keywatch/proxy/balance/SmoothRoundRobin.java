package io.keywatch.proxy.balance;

/**
 * nginx's smooth weighted round-robin: each pick adds every candidate's weight to its current
 * weight, takes the highest, and takes the total off the one taken. Weights 5, 1, 1 give {@code a a
 * b a c a a} (nginx's own example), not {@code a a a a a b c}: a heavy node's turns are spread out.
 * A node left out of the candidates (unhealthy, tried) does not gain while it is out.
 */
final class SmoothRoundRobin implements Balancer {

  /** Guarded by this. */
  private final int[] current;

  SmoothRoundRobin(int nodes) {
    current = new int[nodes];
  }

  @Override
  public synchronized NodeState pick(NodeState[] candidates, int count, String key) {
    NodeState best = null;
    int total = 0;
    for (int i = 0; i < count; i++) {
      NodeState c = candidates[i];
      current[c.index()] += c.node().weight();
      total += c.node().weight();
      if (best == null || current[c.index()] > current[best.index()]) {
        best = c;
      }
    }
    if (best != null) {
      current[best.index()] -= total;
    }
    return best;
  }
}
