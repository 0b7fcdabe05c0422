package io.keywatch.routes;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;

/**
 * What APISIX's {@code proxy-rewrite} plugin changes of a request before it goes upstream, in the
 * subset Keywatch has: the path ({@code uri}, or {@code regex_uri}'s first matching pair) and the
 * Host. The query string is kept as the client sent it.
 *
 * @param uri the path every request of the route is sent to upstream
 * @param regexUri pairs of a regular expression and a template, tried in order on the request's
 *     path as sent (still percent-encoded); the first that matches replaces its first match
 * @param host the Host header the upstream is sent, whatever the upstream's {@code pass_host} says
 */
public record ProxyRewrite(Optional<String> uri, List<RegexUri> regexUri, Optional<String> host) {

  public ProxyRewrite {
    regexUri = List.copyOf(regexUri);
  }

  /**
   * The path the upstream is sent for a request to {@code path}: {@code path} itself when no
   * regular expression matches (and neither {@code uri} nor {@code regex_uri} is set).
   */
  public String apply(String path) {
    if (uri.isPresent()) {
      return uri.get();
    }
    for (RegexUri r : regexUri) {
      Matcher m = r.regex().pattern().matcher(path);
      if (m.find()) {
        StringBuilder to = new StringBuilder(path.length() + 16);
        to.append(path, 0, m.start());
        r.template().expand(m, path, to);
        return to.append(path, m.end(), path.length()).toString();
      }
    }
    return path;
  }

  /** Whether the request's path may change: false for a rewrite of the Host only. */
  public boolean rewritesPath() {
    return uri.isPresent() || !regexUri.isEmpty();
  }

  /** One pair of {@code regex_uri}: its expression compiled once, its template taken apart once. */
  public record RegexUri(Regex regex, Template template) {}
}
