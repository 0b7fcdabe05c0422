package io.keywatch.launcher;

/**
 * A port the system was to listen on is taken; the launcher can retry with others it chose itself.
 */
public class PortInUseException extends ServerStartException {

  public PortInUseException(String message) {
    super(message);
  }
}
