package io.keywatch.ssl;

import io.keywatch.kv.KvException;
import java.util.List;

/** An ssl document that is not a valid ssl object; {@link #problems()} lists every reason. */
public class InvalidSslException extends KvException {

  private final List<String> problems;

  public InvalidSslException(List<String> problems) {
    super("invalid ssl: " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
