/**
 * The API key: every admin call must send {@code X-API-KEY} equal to {@code keywatch.api-key}, as
 * APISIX's Admin API does. There is no built-in key: until one is set, every call is refused with
 * a problem saying how to set it. Leaves out: users, roles, TLS (put a TLS proxy in front).
 */
package io.keywatch.admin.auth;
