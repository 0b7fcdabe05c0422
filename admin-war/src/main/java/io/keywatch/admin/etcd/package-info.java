/**
 * etcd's v3 gRPC API on the store: KV (Range, Put, DeleteRange, Compact), Watch,
 * Maintenance.Status, Cluster.MemberList, Auth.Authenticate and gRPC health, served by {@link
 * io.keywatch.admin.etcd.EtcdServer} on {@code keywatch.etcd.port}, and the same services as etcd's
 * HTTP/JSON gateway on the admin's HTTP port ({@link io.keywatch.admin.etcd.JsonGateway}). Like the
 * REST resources it calls only {@link io.keywatch.kv.KvStore} and {@link
 * io.keywatch.watch.WatchHub}, never SQL.
 *
 * <p>What it leaves out (answered with gRPC UNIMPLEMENTED, as any method a server lacks): Txn,
 * leases (a put with a lease gets etcd's "requested lease not found"), the rest of Auth, Cluster
 * and Maintenance (the gateway answers 501 for txn and leases). Revisions are the store's: an empty
 * store is at 0, not etcd's 1. Keys are the store's keys (UTF-8 starting with '/'); a read of any
 * other key finds nothing, a write of one is refused with INVALID_ARGUMENT.
 */
package io.keywatch.admin.etcd;
