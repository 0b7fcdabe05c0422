package io.keywatch.kv;

/** A request the store refuses; the message says why in words fit for an API client. */
public class KvException extends RuntimeException {

  public KvException(String message) {
    super(message);
  }
}
