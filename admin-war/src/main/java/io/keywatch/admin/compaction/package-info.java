/**
 * Compaction, etcd's way: {@code POST /compaction} to a revision or by age, and the retention
 * schedule ({@code keywatch.retention}) that compacts by age on its own. Both go through {@link
 * io.keywatch.admin.compaction.Compactions}. A live value is never removed; reads and watches below
 * the compacted revision are refused with 410.
 */
package io.keywatch.admin.compaction;
