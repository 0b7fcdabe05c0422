package io.keywatch.routes;

import java.net.URI;

/** How a route names its upstream: one of APISIX's three ways, or Keywatch's URL. */
public sealed interface UpstreamRef {

  /**
   * {@code "upstream": "http://host:port/path"}: one node, whose path goes before the request's.
   */
  record Url(URI url) implements UpstreamRef {}

  /** {@code "upstream": {"nodes": ...}}: an upstream object of the route's own. */
  record Inline(Upstream upstream) implements UpstreamRef {}

  /** {@code "upstream_id": "u1"}: the upstream stored under {@code /upstreams/u1}. */
  record Id(String id) implements UpstreamRef {

    public String key() {
      return UpstreamCodec.PREFIX + id;
    }
  }
}
