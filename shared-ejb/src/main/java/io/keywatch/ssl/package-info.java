/**
 * The gateway's certificates as the store keeps them, in APISIX's {@code ssls} shape: a chain, its
 * private key and the server names it is for. The admin API checks an ssl object with {@link
 * io.keywatch.ssl.SslCodec} before it stores one and never shows the key back; the gateway reads
 * them with the same codec and chooses one per TLS connection by its server name.
 */
package io.keywatch.ssl;
