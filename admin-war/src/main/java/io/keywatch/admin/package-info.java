/**
 * The admin API (control plane): etcd's KV, Txn and Watch services and APISIX's route resource over
 * HTTP, on the store of {@code shared-ejb}. One package per feature: {@code routes}, {@code kv}
 * (generic keys and transactions), {@code watch} (Server-Sent Events), {@code compaction}, {@code
 * auth} (the API key) and {@code problems} (every error as RFC 9457 {@code
 * application/problem+json}).
 *
 * <p>Promises: every answer that reads or writes carries the store revision ({@code
 * X-Keywatch-Revision}, {@code header.revision}); nothing is written when a request is refused.
 * Leaves out: users and roles (one key guards everything), leases, range deletes.
 */
package io.keywatch.admin;
