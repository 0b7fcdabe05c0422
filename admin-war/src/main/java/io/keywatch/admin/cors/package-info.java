/**
 * CORS for the admin API: pages of the origins in {@code keywatch.admin.cors-origins} may call it
 * (with the API key or, for a browser's EventSource, a watch token); every other origin gets no
 * CORS header, so its browser keeps the answers from it. Preflights are answered before
 * authentication, since a browser never sends credentials with one. Leaves out: wildcard origins
 * and cookies (the API uses neither).
 */
package io.keywatch.admin.cors;
