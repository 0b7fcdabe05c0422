package io.keywatch.kv;

import io.keywatch.kv.InvalidRequestException.Reason;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks etcd makes of a transaction before it reads anything (its gRPC layer's checkTxnRequest
 * and checkIntervals), in etcd's order, with etcd's answers:
 *
 * <ol>
 *   <li>no level holds more than {@code maxOps} compares, or success or failure operations; a
 *       nested transaction may hold as many as its parent's limit minus the parent's count;
 *   <li>no compare or operation has an empty key; a put that ignores its value or lease gives none;
 *   <li>no key is written twice: two puts of a key, or a put inside a deleted range, on one level
 *       or across nested ones (the success and failure branches of one nested transaction may put
 *       the same key, only one of them runs). Deletes may overlap each other. A delete with range
 *       end "\0" takes no part in this check: etcd 3.4 compares interval ends as strings, where
 *       "\0" is below every key, so its interval is empty there (a txn that deletes from "/x" on
 *       and puts "/y" succeeds in etcd 3.4.23; checked with its JSON gateway).
 * </ol>
 */
public final class TxnRules {

  private TxnRules() {}

  public static void check(TxnRequest txn, int maxOps) {
    checkSizesAndKeys(txn, maxOps);
    writes(txn.success());
    writes(txn.failure());
  }

  private static void checkSizesAndKeys(TxnRequest txn, int maxOps) {
    int count =
        Math.max(txn.compare().size(), Math.max(txn.success().size(), txn.failure().size()));
    if (count > maxOps) {
      throw new InvalidRequestException(Reason.TOO_MANY_OPS);
    }
    for (List<TxnOp> ops : List.of(txn.success(), txn.failure())) {
      for (TxnOp op : ops) {
        if (op instanceof TxnRequest.Put put) {
          if (put.key().isEmpty()) {
            throw new InvalidRequestException(Reason.EMPTY_KEY);
          }
          if (put.ignoreValue() && put.value().length != 0) {
            throw new InvalidRequestException(Reason.VALUE_PROVIDED);
          }
          if (put.ignoreLease() && put.lease() != 0) {
            throw new InvalidRequestException(Reason.LEASE_PROVIDED);
          }
        } else if (op instanceof TxnRequest nested) {
          checkSizesAndKeys(nested, maxOps - count);
        }
      }
    }
  }

  /** The keys one level puts and the ranges it deletes, its nested levels included. */
  private record Writes(Set<String> puts, List<KeyRange> deletes) {
    boolean deletes(String key) {
      return deletes.stream().anyMatch(d -> !d.isFromKey() && d.contains(key));
    }
  }

  private static Writes writes(List<TxnOp> ops) {
    List<KeyRange> deletes = new ArrayList<>();
    for (TxnOp op : ops) {
      if (op instanceof TxnRequest.DeleteRange d) {
        deletes.add(d.range());
      }
    }
    Writes level = new Writes(new HashSet<>(), deletes);
    for (TxnOp op : ops) {
      if (op instanceof TxnRequest nested) {
        Writes then = writes(nested.success());
        Writes otherwise = writes(nested.failure());
        for (String k : then.puts()) {
          if (level.puts().contains(k) || level.deletes(k)) {
            throw new InvalidRequestException(Reason.DUPLICATE_KEY);
          }
          level.puts().add(k);
        }
        for (String k : otherwise.puts()) {
          if ((level.puts().contains(k) && !then.puts().contains(k)) || level.deletes(k)) {
            throw new InvalidRequestException(Reason.DUPLICATE_KEY);
          }
          level.puts().add(k);
        }
        deletes.addAll(then.deletes());
        deletes.addAll(otherwise.deletes());
      }
    }
    for (TxnOp op : ops) {
      if (op instanceof TxnRequest.Put put) {
        if (!level.puts().add(put.key()) || level.deletes(put.key())) {
          throw new InvalidRequestException(Reason.DUPLICATE_KEY);
        }
      }
    }
    return level;
  }
}
