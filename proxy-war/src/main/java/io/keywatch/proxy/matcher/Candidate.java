package io.keywatch.proxy.matcher;

import io.keywatch.routes.Route;
import java.util.Comparator;
import java.util.Locale;

/**
 * A route's place under one of its uris for one of its hosts: a route for {@code /a} and {@code /b}
 * on {@code x.example} and {@code *.example} is four candidates, so each is ordered by its own
 * host.
 *
 * @param host the Host served, lower case, null for any; for a wildcard the suffix it names with
 *     its dot, {@code .example.com}
 */
record Candidate(Target target, String host, boolean wildcard) {

  /**
   * The order candidates under one uri are tried in, the first that accepts a request winning:
   *
   * <ol>
   *   <li>by host: an exact host, then wildcards, the longer first, then any host;
   *   <li>by the route's {@code priority}, the higher first;
   *   <li>a route for some methods before one for all;
   *   <li>by key, so the choice never depends on the order routes arrived in.
   * </ol>
   */
  static final Comparator<Candidate> SPECIFIC_FIRST =
      Comparator.comparingInt(Candidate::hostRank)
          .thenComparingInt(c -> c.host() == null ? 0 : -c.host().length())
          .thenComparingInt(c -> -c.target().route().priority())
          .thenComparing(c -> c.target().route().methods().isEmpty())
          .thenComparing(c -> c.target().key());

  /** The candidates of a route under one uri: one per host, or one for any host. */
  static Candidate[] of(Target target) {
    var hosts = target.route().hosts();
    if (hosts.isEmpty()) {
      return new Candidate[] {new Candidate(target, null, false)};
    }
    Candidate[] c = new Candidate[hosts.size()];
    for (int i = 0; i < c.length; i++) {
      String h = hosts.get(i).toLowerCase(Locale.ROOT);
      boolean wildcard = Route.isWildcard(h);
      c[i] = new Candidate(target, wildcard ? h.substring(1) : h, wildcard);
    }
    return c;
  }

  private int hostRank() {
    return host == null ? 2 : wildcard ? 1 : 0;
  }

  /**
   * Whether this candidate serves a request with this method and Host (without port or trailing
   * dot): a wildcard takes one or more labels before its suffix, never the suffix alone.
   */
  boolean accepts(String method, String requestHost) {
    if (host != null) {
      int at = requestHost.length() - host.length();
      boolean hostMatches =
          wildcard
              ? at > 0 && requestHost.regionMatches(true, at, host, 0, host.length())
              : requestHost.equalsIgnoreCase(host);
      if (!hostMatches) {
        return false;
      }
    }
    var methods = target.route().methods();
    return methods.isEmpty() || methods.contains(method);
  }
}
