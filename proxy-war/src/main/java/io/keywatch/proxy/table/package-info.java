/**
 * The route table: the store's routes mirrored through the watch, swapped atomically, saved to
 * disk. Promises: request threads never lock; one new table per batch; a table read from disk is
 * replaced by a full read as soon as the store is reachable; a value that does not parse is logged
 * and its key left without a route.
 */
package io.keywatch.proxy.table;
