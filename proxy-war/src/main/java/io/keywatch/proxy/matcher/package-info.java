/**
 * Route matching. Promises: an immutable index whose lookups cost one hash probe per path segment
 * whatever the number of routes; exact beats prefix, longer prefix beats shorter, a route for a
 * host or some methods beats one for all; a set of changes copies only the parts it touches. Leaves
 * out: regular expressions, path parameters, priorities (APISIX's radixtree has them).
 */
package io.keywatch.proxy.matcher;
