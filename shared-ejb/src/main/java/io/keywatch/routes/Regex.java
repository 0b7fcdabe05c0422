package io.keywatch.routes;

import java.util.regex.Pattern;

/**
 * A compiled regular expression that is equal to another of the same source, so that two parses of
 * one route document are equal routes ({@link Pattern} itself compares by identity).
 */
public final class Regex {

  private final Pattern pattern;

  /**
   * @throws java.util.regex.PatternSyntaxException when {@code source} is not a Java regular
   *     expression
   */
  public Regex(String source) {
    this.pattern = Pattern.compile(source);
  }

  public Pattern pattern() {
    return pattern;
  }

  public String source() {
    return pattern.pattern();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Regex r && r.source().equals(source());
  }

  @Override
  public int hashCode() {
    return source().hashCode();
  }

  @Override
  public String toString() {
    return source();
  }
}
