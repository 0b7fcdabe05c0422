package io.keywatch.kv;

/** A key that breaks {@link Keys}' rules; nothing was read or written. */
public class InvalidKeyException extends KvException {

  public InvalidKeyException(String message) {
    super(message);
  }
}
