/**
 * {@code /ssls}: the gateway's certificates for its HTTPS listener, checked before they are stored
 * and shown back without their private keys.
 */
package io.keywatch.admin.ssls;
