package io.keywatch.admin.kv;

import io.keywatch.admin.problems.Problems;

/**
 * Boolean query parameters: {@code ?prefix}, {@code ?prefix=true} or {@code ?prefix=false}; nothing
 * else.
 */
public final class Flags {

  private Flags() {}

  public static boolean flag(String name, String raw) {
    if (raw == null || raw.equals("false")) {
      return false;
    }
    if (raw.isEmpty() || raw.equals("true")) {
      return true;
    }
    throw Problems.invalidRequest(
            name + " must be true or false, not '" + RevisionParams.printable(raw) + "'")
        .exception();
  }
}
