package io.keywatch.routes;

import io.keywatch.kv.KvException;
import java.util.List;

/** A route document that is not a valid route; {@link #problems()} lists every reason. */
public class InvalidRouteException extends KvException {

  private final List<String> problems;

  public InvalidRouteException(List<String> problems) {
    super("invalid route: " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
