package io.keywatch.routes;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

/**
 * The replacement of a {@code regex_uri} pair, in the syntax of nginx's {@code ngx.re.sub} that
 * APISIX uses: {@code $0} is the whole match, {@code $1} to {@code $N} (or {@code ${N}}) a group,
 * {@code $$} a dollar sign; everything else is literal. Taken apart once, when the route is read,
 * into literals and group numbers, so that expanding it is appends only.
 */
public final class Template {

  private final String source;

  /** {@code literals[i]} comes before {@code groups[i]}; the last literal ends the template. */
  private final String[] literals;

  private final int[] groups;

  private Template(String source, String[] literals, int[] groups) {
    this.source = source;
    this.literals = literals;
    this.groups = groups;
  }

  /**
   * Parses {@code source}, whose group numbers must be at most {@code groupCount}.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static Template parse(String source, int groupCount) {
    List<String> literals = new ArrayList<>();
    List<Integer> groups = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < source.length(); i++) {
      char c = source.charAt(i);
      if (c != '$') {
        literal.append(c);
        continue;
      }
      int at = i + 1;
      if (at < source.length() && source.charAt(at) == '$') {
        literal.append('$');
        i = at;
        continue;
      }
      boolean braced = at < source.length() && source.charAt(at) == '{';
      int from = braced ? at + 1 : at;
      int to = from;
      while (to < source.length() && Character.isDigit(source.charAt(to))) {
        to++;
      }
      if (to == from || (braced && (to >= source.length() || source.charAt(to) != '}'))) {
        throw new IllegalArgumentException(
            "'$' at "
                + i
                + " is not $N, ${N} or $$ (variables other than groups are not supported)");
      }
      if (to - from > 3 || Integer.parseInt(source.substring(from, to)) > groupCount) {
        throw new IllegalArgumentException(
            "$"
                + source.substring(from, to)
                + " names a group the expression does not have (it has "
                + groupCount
                + ")");
      }
      literals.add(literal.toString());
      literal.setLength(0);
      groups.add(Integer.parseInt(source.substring(from, to)));
      i = braced ? to : to - 1;
    }
    literals.add(literal.toString());
    return new Template(
        source,
        literals.toArray(String[]::new),
        groups.stream().mapToInt(Integer::intValue).toArray());
  }

  /** The literal parts of the template, in order, e.g. to check their characters. */
  public List<String> literals() {
    return List.of(literals);
  }

  /**
   * Appends the template with the groups {@code m} found in {@code subject} (a group that took no
   * part is empty).
   */
  void expand(Matcher m, String subject, StringBuilder to) {
    for (int i = 0; i < groups.length; i++) {
      to.append(literals[i]);
      int start = m.start(groups[i]);
      if (start >= 0) {
        to.append(subject, start, m.end(groups[i]));
      }
    }
    to.append(literals[groups.length]);
  }

  public String source() {
    return source;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Template t && t.source.equals(source);
  }

  @Override
  public int hashCode() {
    return source.hashCode();
  }

  @Override
  public String toString() {
    return source;
  }
}
