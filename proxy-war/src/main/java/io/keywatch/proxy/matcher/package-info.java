/**
 * Route matching. Promises: an immutable index whose lookups cost one hash probe per path segment
 * whatever the number of routes; exact beats prefix, longer prefix beats shorter; under one uri an
 * exact host beats a wildcard, a longer wildcard a shorter one, any host comes last, then the
 * higher priority wins, then a route for some methods beats one for all; a set of changes copies
 * only the parts it touches; a target rewrites a path only when its route says so. Leaves out:
 * regular expressions in uris, path parameters, APISIX's {@code vars} and {@code filter_func}.
 */
package io.keywatch.proxy.matcher;
