package io.keywatch.proxy.matcher;

import io.keywatch.routes.Route;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The routes, indexed for matching; immutable. A request path is matched
 *
 * <ol>
 *   <li>against exact routes ({@code "uri": "/get"}) with one hash lookup, then
 *   <li>against prefix routes ({@code "uri": "/api/*"}, stored under {@code /api/}) by probing the
 *       path's own prefixes that end in '/', longest first: {@code /api/v1/x} probes {@code
 *       /api/v1/}, {@code /api/}, {@code /}.
 * </ol>
 *
 * So an exact route beats any prefix, a longer prefix beats a shorter one, and a lookup costs one
 * hash probe per path segment however many routes there are. Several routes may share a uri; the
 * first that accepts the method and host wins ({@link Target#SPECIFIC_FIRST}), and if none does the
 * search goes on to shorter prefixes.
 */
public final class RouteIndex {

  public static final RouteIndex EMPTY =
      new RouteIndex(ShardedMap.empty(), ShardedMap.empty(), ShardedMap.empty());

  private final ShardedMap<String, Target> byKey;
  private final ShardedMap<String, Target[]> exact;
  private final ShardedMap<String, Target[]> prefixes;

  private RouteIndex(
      ShardedMap<String, Target> byKey,
      ShardedMap<String, Target[]> exact,
      ShardedMap<String, Target[]> prefixes) {
    this.byKey = byKey;
    this.exact = exact;
    this.prefixes = prefixes;
  }

  /** The route for a request, or null when none matches. {@code path} is the raw request path. */
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
    private final ShardedMap<String, Target[]>.Editor exacts = exact.edit();
    private final ShardedMap<String, Target[]>.Editor prefixed = prefixes.edit();

    /** Adds or replaces the route stored under {@code key}. */
    public void put(String key, Route route) {
      Target t = Target.of(key, route, keys.get(key));
      remove(key);
      keys.put(key, t);
      var byUri = byUri(route);
      Target[] old = byUri.get(route.pathPrefix());
      Target[] next = old == null ? new Target[] {t} : Arrays.copyOf(old, old.length + 1);
      next[next.length - 1] = t;
      Arrays.sort(next, Target.SPECIFIC_FIRST);
      byUri.put(route.pathPrefix(), next);
    }

    public void remove(String key) {
      Target old = keys.get(key);
      if (old == null) {
        return;
      }
      keys.remove(key);
      var byUri = byUri(old.route());
      List<Target> rest = new ArrayList<>(Arrays.asList(byUri.get(old.route().pathPrefix())));
      rest.removeIf(t -> t.key().equals(key));
      if (rest.isEmpty()) {
        byUri.remove(old.route().pathPrefix());
      } else {
        byUri.put(old.route().pathPrefix(), rest.toArray(Target[]::new));
      }
    }

    public RouteIndex build() {
      return new RouteIndex(keys.build(), exacts.build(), prefixed.build());
    }

    private ShardedMap<String, Target[]>.Editor byUri(Route route) {
      return route.isPrefix() ? prefixed : exacts;
    }
  }

  private static Target first(Target[] candidates, String method, String host) {
    if (candidates != null) {
      for (Target t : candidates) {
        if (t.accepts(method, host)) {
          return t;
        }
      }
    }
    return null;
  }
}
