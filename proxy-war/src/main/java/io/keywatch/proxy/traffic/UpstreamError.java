package io.keywatch.proxy.traffic;

import java.util.Locale;

/** Why a try on an upstream node failed, as the label {@code kind} of the error counter says. */
public enum UpstreamError {
  /** the node refused the connection or could not be reached */
  CONNECT,
  /** no connection within {@code timeout.connect}, or silent longer than the route's timeout */
  TIMEOUT,
  /** the TLS handshake failed (a certificate problem or another) */
  TLS,
  /** the connection was reset or closed before the answer was whole */
  RESET,
  /** the answer broke HTTP (malformed, oversized, an unasked-for 101) */
  INVALID;

  final String label = name().toLowerCase(Locale.ROOT);
}
