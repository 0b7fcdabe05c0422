package io.keywatch.kv;

import java.util.List;
import java.util.Objects;

/**
 * etcd's full transaction: if every compare holds, the success operations run, else the failure
 * ones. All of it is one database transaction; its writes get consecutive revisions and reach
 * watchers as one batch; a read inside sees the writes before it; nested transactions decide on the
 * store as it was before the outer one wrote, as etcd's do. Refused as etcd refuses it (see {@link
 * InvalidRequestException}): more than the configured number of operations on one level, or a key
 * written twice (two puts, or a put inside a deleted range, also across nested levels).
 */
public record TxnRequest(List<Compare> compare, List<TxnOp> success, List<TxnOp> failure)
    implements TxnOp {

  public TxnRequest {
    compare = List.copyOf(compare);
    success = List.copyOf(success);
    failure = List.copyOf(failure);
  }

  /**
   * etcd's Put. {@code lease} attaches the key to a lease (0: none, which detaches it; an unknown
   * one is {@link LeaseNotFoundException} and the transaction writes nothing); {@code ignoreValue}
   * keeps the key's value and {@code ignoreLease} its lease (the key must exist).
   */
  public record Put(
      String key,
      byte[] value,
      long lease,
      boolean prevKv,
      boolean ignoreValue,
      boolean ignoreLease)
      implements TxnOp {
    public Put {
      Objects.requireNonNull(key, "key");
      value = value == null ? new byte[0] : value;
    }

    public static Put of(String key, byte[] value) {
      return new Put(key, value, 0, false, false, false);
    }
  }

  /** etcd's DeleteRange. */
  public record DeleteRange(KeyRange range, boolean prevKv) implements TxnOp {
    public DeleteRange {
      Objects.requireNonNull(range, "range");
    }
  }

  /**
   * etcd's Compare: {@code target} of every live key in the range against the given value. An
   * absent key compares as version, create and mod revision 0 (and lease 0); a value compare on a
   * range without keys fails.
   */
  public record Compare(KeyRange range, Target target, Result result, long number, byte[] value) {

    /** etcd's Compare.CompareTarget, in its order. */
    public enum Target {
      VERSION,
      CREATE,
      MOD,
      VALUE,
      LEASE
    }

    /** etcd's Compare.CompareResult, in its order. */
    public enum Result {
      EQUAL,
      GREATER,
      LESS,
      NOT_EQUAL
    }

    public Compare {
      Objects.requireNonNull(range, "range");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(result, "result");
      value = value == null ? new byte[0] : value;
    }

    public static Compare value(KeyRange range, Result result, byte[] value) {
      return new Compare(range, Target.VALUE, result, 0, value);
    }

    /** A compare on a number: version, create or mod revision, or lease. */
    public static Compare number(KeyRange range, Target target, Result result, long number) {
      if (target == Target.VALUE) {
        throw new IllegalArgumentException("a value compare takes bytes");
      }
      return new Compare(range, target, result, number, null);
    }

    /**
     * Whether {@code c}, the sign of comparing the key's field with the given one, satisfies it.
     */
    public boolean holdsFor(int c) {
      return switch (result) {
        case EQUAL -> c == 0;
        case NOT_EQUAL -> c != 0;
        case GREATER -> c > 0;
        case LESS -> c < 0;
      };
    }
  }
}
