package io.keywatch.launcher;

/** A Keywatch system could not start; the message says why in words a user can act on. */
public class ServerStartException extends RuntimeException {

  public ServerStartException(String message) {
    super(message);
  }

  public ServerStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
