package io.keywatch.admin.kv;

import io.keywatch.admin.problems.Problems;
import io.keywatch.kv.DeleteResult;
import io.keywatch.kv.KeyValue;
import io.keywatch.kv.KvEvent;
import io.keywatch.kv.KvStore;
import io.keywatch.kv.PutResult;
import io.keywatch.kv.Txn;
import io.keywatch.kv.TxnResult;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;

/**
 * Puts and deletes of one key, optionally conditional. A condition becomes the compare of a store
 * transaction, so no write can slip between the check and the write (HTTP's If-Match done the etcd
 * way); an unconditional put goes through the store's group commit.
 */
@ApplicationScoped
public class KeyWrites {

  @Inject KvStore store;

  /**
   * Puts {@code value} (already admitted by {@link Values#admit}) attached to {@code lease} (0:
   * none, which detaches the key, as in etcd); 412 problem if the condition fails.
   */
  public PutResult put(String key, byte[] value, Precondition condition, long lease) {
    if (condition.modRevision().isEmpty()) {
      return store.put(key, value, lease);
    }
    if (lease != 0) {
      // the store's transactions have no lease yet (Txn.Put)
      throw Problems.invalidRequest(
              "a conditional put (If-Match, If-None-Match) cannot attach a lease; put without the condition")
          .exception();
    }
    KvEvent written =
        conditional(key, condition.modRevision().getAsLong(), new Txn.Put(key, value));
    return new PutResult(written.kv(), written.prevKv());
  }

  /** Deletes a key; 404 problem if it is absent, 412 if the condition fails. */
  public DeleteResult delete(String key, Precondition condition) {
    if (condition.modRevision().isEmpty()) {
      return store
          .delete(key)
          .orElseThrow(() -> Problems.notFound(key, store.revisions().current()).exception());
    }
    KvEvent written = conditional(key, condition.modRevision().getAsLong(), new Txn.Delete(key));
    if (written == null) {
      // If-Match: 0 on an absent key: the compare held, but there was nothing to delete
      throw Problems.notFound(key, store.revisions().current()).exception();
    }
    return new DeleteResult(written.kv(), written.prevKv());
  }

  /**
   * The event of {@code op} if the key's mod revision is {@code expected} (null if it wrote
   * nothing).
   */
  private KvEvent conditional(String key, long expected, Txn.Op op) {
    TxnResult result =
        store.txn(new Txn(List.of(new Txn.Compare(key, expected)), List.of(op), List.of()));
    if (!result.succeeded()) {
      long actual = store.get(key).map(KeyValue::modRevision).orElse(0L);
      throw Problems.preconditionFailed(key, expected, actual).exception();
    }
    return result.events().isEmpty() ? null : result.events().get(0);
  }
}
