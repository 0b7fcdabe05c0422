package io.keywatch.kv;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * etcd's RangeRequest: the live keys of a {@link KeyRange} as of a revision.
 *
 * @param revision the revision to read at; 0 (or less) is the latest, as in etcd
 * @param limit the most keys returned; 0 (or less) is no limit. {@link RangeResult#more()} says
 *     whether more matched
 * @param countOnly only {@link RangeResult#count()}, no keys
 * @param keysOnly keys without values (each value is empty)
 * @param sortOrder NONE is key order, except that a target other than KEY then sorts ascending
 * @param minModRevision 0: no bound; the mod and create revision bounds are inclusive and filter
 *     the keys returned, not {@link RangeResult#count()} (as etcd)
 */
public record RangeQuery(
    KeyRange range,
    long revision,
    long limit,
    boolean countOnly,
    boolean keysOnly,
    SortOrder sortOrder,
    SortTarget sortTarget,
    long minModRevision,
    long maxModRevision,
    long minCreateRevision,
    long maxCreateRevision)
    implements TxnOp {

  /** etcd's RangeRequest.SortOrder, in its order. */
  public enum SortOrder {
    NONE,
    ASCEND,
    DESCEND
  }

  /** etcd's RangeRequest.SortTarget, in its order. */
  public enum SortTarget {
    KEY,
    VERSION,
    CREATE,
    MOD,
    VALUE
  }

  public RangeQuery {
    Objects.requireNonNull(range, "range");
    Objects.requireNonNull(sortOrder, "sortOrder");
    Objects.requireNonNull(sortTarget, "sortTarget");
  }

  /** The latest live keys of a range, in key order, all of them. */
  public static RangeQuery of(KeyRange range) {
    return new RangeQuery(range, 0, 0, false, false, SortOrder.NONE, SortTarget.KEY, 0, 0, 0, 0);
  }

  public static RangeQuery of(String key, String rangeEnd) {
    return of(new KeyRange(key, rangeEnd));
  }

  public RangeQuery atRevision(long rev) {
    return with(q -> q.revision = rev);
  }

  public RangeQuery limitedTo(long max) {
    return with(q -> q.limit = max);
  }

  /** count_only: the count without the keys. */
  public RangeQuery counting() {
    return with(q -> q.countOnly = true);
  }

  /** keys_only: the keys without their values. */
  public RangeQuery withoutValues() {
    return with(q -> q.keysOnly = true);
  }

  public RangeQuery sorted(SortOrder order, SortTarget target) {
    return with(
        q -> {
          q.sortOrder = order;
          q.sortTarget = target;
        });
  }

  /** Only keys whose mod revision lies in [min, max]; 0 leaves that side open. */
  public RangeQuery modRevisions(long min, long max) {
    return with(
        q -> {
          q.minModRevision = min;
          q.maxModRevision = max;
        });
  }

  /** Only keys whose create revision lies in [min, max]; 0 leaves that side open. */
  public RangeQuery createRevisions(long min, long max) {
    return with(
        q -> {
          q.minCreateRevision = min;
          q.maxCreateRevision = max;
        });
  }

  /** The order etcd applies: NONE sorts by key, or ascending when the target is not the key. */
  public SortOrder effectiveOrder() {
    return sortOrder == SortOrder.NONE && sortTarget != SortTarget.KEY
        ? SortOrder.ASCEND
        : sortOrder;
  }

  /** This query with what {@code change} sets on a copy of its fields. */
  private RangeQuery with(Consumer<Copy> change) {
    Copy q = new Copy(this);
    change.accept(q);
    return q.build();
  }

  /** The fields of a query, to change before building the next one (the withers' one copy). */
  private static final class Copy {
    private final KeyRange range;
    private long revision;
    private long limit;
    private boolean countOnly;
    private boolean keysOnly;
    private SortOrder sortOrder;
    private SortTarget sortTarget;
    private long minModRevision;
    private long maxModRevision;
    private long minCreateRevision;
    private long maxCreateRevision;

    private Copy(RangeQuery q) {
      range = q.range;
      revision = q.revision;
      limit = q.limit;
      countOnly = q.countOnly;
      keysOnly = q.keysOnly;
      sortOrder = q.sortOrder;
      sortTarget = q.sortTarget;
      minModRevision = q.minModRevision;
      maxModRevision = q.maxModRevision;
      minCreateRevision = q.minCreateRevision;
      maxCreateRevision = q.maxCreateRevision;
    }

    private RangeQuery build() {
      return new RangeQuery(
          range,
          revision,
          limit,
          countOnly,
          keysOnly,
          sortOrder,
          sortTarget,
          minModRevision,
          maxModRevision,
          minCreateRevision,
          maxCreateRevision);
    }
  }
}
