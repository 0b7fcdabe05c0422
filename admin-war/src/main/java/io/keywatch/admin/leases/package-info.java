/**
 * Leases over HTTP ({@code /leases}) and their expiry on this server's schedule.
 *
 * <p>Promises: the same leases as the etcd API's, on the same store; a key attached with {@code
 * ?lease=ID} is deleted with its lease, in one transaction; expiry follows the database's clock and
 * survives restarts, and never two servers revoke at once. Leaves out: keep-alive streams (etcd's
 * gRPC LeaseKeepAlive); a client here calls {@code PUT /leases/{id}/keepalive} in a loop.
 */
package io.keywatch.admin.leases;
