package io.keywatch.proxy.balance;

/** Chooses one node among candidates; each implementation keeps its own state. */
interface Balancer {

  /**
   * One of {@code candidates[0..count)}, all of positive weight, or null when {@code count} is 0.
   *
   * @param key the request's hash key (consistent hashing only)
   */
  NodeState pick(NodeState[] candidates, int count, String key);
}
