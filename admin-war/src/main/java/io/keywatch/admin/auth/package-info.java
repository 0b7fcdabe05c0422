/**
 * The API key: every admin call must send {@code X-API-KEY} equal to {@code keywatch.api-key}, as
 * APISIX's Admin API does. There is no built-in key: until one is set, every call is refused with a
 * problem saying how to set it. For browsers, whose EventSource cannot send a header, a keyed
 * {@code POST /watch/tokens} issues watch tokens: stateless, signed with the key, for one prefix
 * until an expiry, accepted as {@code ?token=} by {@code GET /watch} and nowhere else. Leaves out:
 * users, roles, TLS (put a TLS proxy in front), revoking one token (change the key to revoke all).
 */
package io.keywatch.admin.auth;
