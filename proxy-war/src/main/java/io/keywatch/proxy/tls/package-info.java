/**
 * TLS termination on the gateway's HTTPS listener: the certificates of the store's {@code /ssls/}
 * ({@link io.keywatch.proxy.tls.SslTable}, following the watch as the route table does), one chosen
 * per handshake by the server name the client asks for ({@link
 * io.keywatch.proxy.tls.SniKeyManager}), installed into Grizzly's listener once at start ({@link
 * io.keywatch.proxy.tls.HttpsListeners}): a changed certificate serves the next handshake, with no
 * restart of the listener.
 */
package io.keywatch.proxy.tls;
