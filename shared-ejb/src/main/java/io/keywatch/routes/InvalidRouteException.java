package io.keywatch.routes;

import io.keywatch.kv.KvException;
import java.util.List;

/** A route or upstream document that is not valid; {@link #problems()} lists every reason. */
public class InvalidRouteException extends KvException {

  private final String kind;
  private final List<String> problems;

  public InvalidRouteException(List<String> problems) {
    this("route", problems);
  }

  /** Problems of a document of another kind, e.g. {@code "upstream"}. */
  public InvalidRouteException(String kind, List<String> problems) {
    super("invalid " + kind + ": " + String.join("; ", problems));
    this.kind = kind;
    this.problems = List.copyOf(problems);
  }

  /** What the document is: {@code route} or {@code upstream}. */
  public String kind() {
    return kind;
  }

  public List<String> problems() {
    return problems;
  }
}
