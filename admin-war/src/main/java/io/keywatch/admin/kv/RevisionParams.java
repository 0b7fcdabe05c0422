package io.keywatch.admin.kv;

import io.keywatch.admin.problems.Problems;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/** Revisions given in query parameters and headers: whole decimal numbers, nothing else. */
public final class RevisionParams {

  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,19}");

  private RevisionParams() {}

  /** {@code ?rev=N}: a revision to read at, 1 or more; empty when absent. */
  public static OptionalLong rev(String raw) {
    return raw == null ? OptionalLong.empty() : OptionalLong.of(parse("rev", raw, 1));
  }

  /** {@code ?lease=ID}: the lease a put attaches the key to; 0 (none) when absent. */
  public static long lease(String raw) {
    return raw == null ? 0 : parse("lease", raw, 0);
  }

  /** A revision of at least {@code min}, e.g. a {@code Last-Event-ID} (0 or more). */
  public static long parse(String name, String raw, long min) {
    String s = raw.strip();
    long value;
    try {
      value = DIGITS.matcher(s).matches() ? Long.parseLong(s) : -1;
    } catch (NumberFormatException e) {
      value = -1;
    }
    if (value < min) {
      throw Problems.invalidRequest(
              name
                  + " must be a whole number of at least "
                  + min
                  + ", not '"
                  + printable(raw)
                  + "'")
          .exception();
    }
    return value;
  }

  /** At most 40 characters, control characters escaped: the raw value goes back into a message. */
  static String printable(String raw) {
    StringBuilder b = new StringBuilder();
    raw.codePoints()
        .limit(40)
        .forEach(
            c ->
                b.append(
                    Character.isISOControl(c)
                        ? String.format("\\u%04x", c)
                        : Character.toString(c)));
    return raw.codePointCount(0, raw.length()) > 40 ? b.append("...").toString() : b.toString();
  }
}
