package io.keywatch.admin.etcd;

import com.google.protobuf.ByteString;
import io.keywatch.etcd.mvccpb.Event;
import io.keywatch.etcd.mvccpb.KeyValue;
import io.keywatch.kv.KvEvent;

/** The store's rows and changes as etcd's mvccpb messages. */
final class EtcdMessages {

  private EtcdMessages() {}

  static KeyValue kv(io.keywatch.kv.KeyValue kv, boolean keysOnly) {
    KeyValue.Builder b =
        KeyValue.newBuilder()
            .setKey(ByteString.copyFromUtf8(kv.key()))
            .setCreateRevision(kv.createRevision())
            .setModRevision(kv.modRevision())
            .setVersion(kv.version())
            .setLease(kv.lease());
    if (!keysOnly && kv.value() != null) {
      b.setValue(ByteString.copyFrom(kv.value()));
    }
    return b.build();
  }

  /** A change; a delete carries only the key and the delete's revision, as in etcd. */
  static Event event(KvEvent e, boolean withPrevKv) {
    Event.Builder b = Event.newBuilder();
    if (e.type() == KvEvent.Type.DELETE) {
      b.setType(Event.EventType.DELETE)
          .setKv(
              KeyValue.newBuilder()
                  .setKey(ByteString.copyFromUtf8(e.key()))
                  .setModRevision(e.revision()));
    } else {
      b.setType(Event.EventType.PUT).setKv(kv(e.kv(), false));
    }
    if (withPrevKv && e.prevKv() != null && !e.prevKv().isTombstone()) {
      b.setPrevKv(kv(e.prevKv(), false));
    }
    return b.build();
  }
}
