package io.keywatch.kv;

import jakarta.ejb.ApplicationException;

/**
 * The database could not be reached or failed; whether a write took effect is unknown.
 *
 * <p>An application exception: callers expect it and decide (a 503, a retry, the snapshot on disk),
 * so an EJB passes it on as it is, neither wrapped nor logged with its stack as a container
 * failure.
 */
@ApplicationException
public class StoreUnavailableException extends RuntimeException {

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
