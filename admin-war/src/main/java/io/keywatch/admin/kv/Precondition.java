package io.keywatch.admin.kv;

import io.keywatch.admin.problems.Problems;
import java.util.OptionalLong;

/**
 * An HTTP precondition turned into an etcd compare on the key's mod revision: {@code If-Match: 10}
 * (or the ETag form {@code "10"}) requires mod revision 10; {@code If-None-Match: *} and {@code
 * If-Match: 0} require the key to be absent. Empty when the request has none.
 */
public record Precondition(OptionalLong modRevision) {

  public static final Precondition NONE = new Precondition(OptionalLong.empty());

  /** Parses {@code If-Match} and {@code If-None-Match} (null when absent). */
  public static Precondition of(String ifMatch, String ifNoneMatch) {
    if (ifMatch != null && ifNoneMatch != null) {
      throw Problems.invalidRequest("send either If-Match or If-None-Match, not both").exception();
    }
    if (ifNoneMatch != null) {
      if (!ifNoneMatch.strip().equals("*")) {
        throw Problems.invalidRequest(
                "If-None-Match takes only '*' (create only), not '"
                    + RevisionParams.printable(ifNoneMatch)
                    + "'")
            .exception();
      }
      return new Precondition(OptionalLong.of(0));
    }
    if (ifMatch != null) {
      String tag = ifMatch.strip();
      if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
        tag = tag.substring(1, tag.length() - 1);
      }
      return new Precondition(
          OptionalLong.of(
              RevisionParams.parse("If-Match (a mod revision, e.g. 12 or \"12\")", tag, 0)));
    }
    return NONE;
  }

  /** Only {@code If-Match}: deleting "if absent" means nothing. */
  public static Precondition ifMatch(String ifMatch) {
    return of(ifMatch, null);
  }
}
