package io.keywatch.kv;

/** The database could not be reached or failed; whether a write took effect is unknown. */
public class StoreUnavailableException extends RuntimeException {

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
