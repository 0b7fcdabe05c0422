package io.keywatch.proxy.matcher;

import io.keywatch.routes.Route;
import java.util.Arrays;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The routes, indexed for matching; immutable. A request path is matched
 *
 * <ol>
 *   <li>against exact uris ({@code "uri": "/get"}) with one hash lookup, then
 *   <li>against prefix uris ({@code "uri": "/api/*"}, stored under {@code /api/}) by probing the
 *       path's own prefixes that end in '/', longest first: {@code /api/v1/x} probes {@code
 *       /api/v1/}, {@code /api/}, {@code /}.
 * </ol>
 *
 * So an exact uri beats any prefix, a longer prefix beats a shorter one, and a lookup costs one
 * hash probe per path segment however many routes there are. A route with several {@code uris} is
 * under each of them. Several routes may share a uri; the first that accepts the method and host
 * wins, in the order of {@link Candidate#SPECIFIC_FIRST} (host, then priority, then methods), and
 * if none does the search goes on to shorter prefixes.
 */
public final class RouteIndex {

  public static final RouteIndex EMPTY =
      new RouteIndex(ShardedMap.empty(), ShardedMap.empty(), ShardedMap.empty());

  private final ShardedMap<String, Target> byKey;
  private final ShardedMap<String, Candidate[]> exact;
  private final ShardedMap<String, Candidate[]> prefixes;

  private RouteIndex(
      ShardedMap<String, Target> byKey,
      ShardedMap<String, Candidate[]> exact,
      ShardedMap<String, Candidate[]> prefixes) {
    this.byKey = byKey;
    this.exact = exact;
    this.prefixes = prefixes;
  }

  /**
   * The route for a request, or null when none matches. {@code path} is the raw request path,
   * {@code host} the Host without port and trailing dot.
   */
  public Target match(String method, String host, String path) {
    Target t = first(exact.get(path), method, host);
    for (int i = path.lastIndexOf('/'); t == null && i >= 0; i = path.lastIndexOf('/', i - 1)) {
      t = first(prefixes.get(path.substring(0, i + 1)), method, host);
    }
    return t;
  }

  public Target get(String key) {
    return byKey.get(key);
  }

  public int size() {
    return byKey.size();
  }

  public void forEach(BiConsumer<String, Route> action) {
    byKey.forEach((key, target) -> action.accept(key, target.route()));
  }

  /** Every route's target, e.g. to reach the node state of the upstreams inline in routes. */
  public void forEachTarget(Consumer<Target> action) {
    byKey.forEach((key, target) -> action.accept(target));
  }

  /**
   * Starts a set of changes; each touched part of the index is copied once, in {@link
   * Editor#build}.
   */
  public Editor edit() {
    return new Editor();
  }

  public final class Editor {
    private final ShardedMap<String, Target>.Editor keys = byKey.edit();
    private final ShardedMap<String, Candidate[]>.Editor exacts = exact.edit();
    private final ShardedMap<String, Candidate[]>.Editor prefixed = prefixes.edit();

    /** Adds or replaces the route stored under {@code key}. */
    public void put(String key, Route route) {
      Target t = Target.of(key, route, keys.get(key));
      remove(key);
      keys.put(key, t);
      Candidate[] added = Candidate.of(t);
      for (String uri : route.uris()) {
        var byUri = byUri(uri);
        Candidate[] old = byUri.get(Route.pathPrefix(uri));
        Candidate[] next =
            old == null ? added.clone() : Arrays.copyOf(old, old.length + added.length);
        if (old != null) {
          System.arraycopy(added, 0, next, old.length, added.length);
        }
        Arrays.sort(next, Candidate.SPECIFIC_FIRST);
        byUri.put(Route.pathPrefix(uri), next);
      }
    }

    public void remove(String key) {
      Target old = keys.get(key);
      if (old == null) {
        return;
      }
      keys.remove(key);
      for (String uri : old.route().uris()) {
        var byUri = byUri(uri);
        Candidate[] rest =
            Arrays.stream(byUri.get(Route.pathPrefix(uri)))
                .filter(c -> !c.target().key().equals(key))
                .toArray(Candidate[]::new);
        if (rest.length == 0) {
          byUri.remove(Route.pathPrefix(uri));
        } else {
          byUri.put(Route.pathPrefix(uri), rest);
        }
      }
    }

    public RouteIndex build() {
      return new RouteIndex(keys.build(), exacts.build(), prefixed.build());
    }

    private ShardedMap<String, Candidate[]>.Editor byUri(String uri) {
      return Route.isPrefix(uri) ? prefixed : exacts;
    }
  }

  private static Target first(Candidate[] candidates, String method, String host) {
    if (candidates != null) {
      for (Candidate c : candidates) {
        if (c.accepts(method, host)) {
          return c.target();
        }
      }
    }
    return null;
  }
}
