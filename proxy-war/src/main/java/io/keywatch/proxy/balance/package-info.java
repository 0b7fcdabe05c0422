/**
 * Upstream nodes and the choice among them: smooth weighted round-robin (nginx's), consistent
 * hashing (a ring that moves about 1/N of the keys when a node joins), least connections; and the
 * health of each node, from real traffic (passive) and from probes (active). Promises: a node is
 * chosen without a lock held by more than one small balancer step; a node out of health is chosen
 * only when every node is, so that a recovered node is found again; state (health, counters)
 * survives a table swap that leaves the upstream unchanged.
 */
package io.keywatch.proxy.balance;
