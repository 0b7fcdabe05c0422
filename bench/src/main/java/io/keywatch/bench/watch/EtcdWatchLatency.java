package io.keywatch.bench.watch;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * etcd's side: a jetcd put, and a jetcd watch on the prefix from a second client (its own
 * connection).
 */
public final class EtcdWatchLatency {

  private EtcdWatchLatency() {}

  static SequentialPuts.Timings run(String endpoint, int warmup, int count) throws Exception {
    return run(() -> Client.builder().endpoints(endpoint).build(), warmup, count);
  }

  /** As {@link #run(String, int, int)}, the writer and the watcher from {@code clients}. */
  public static SequentialPuts.Timings run(Supplier<Client> clients, int warmup, int count)
      throws Exception {
    ByteSequence prefix = bytes("/bench/watch/");
    ByteSequence key = bytes("/bench/watch/key");
    ArrivalLog log = new ArrivalLog();
    try (Client writer = clients.get();
        Client watcher = clients.get()) {
      long from = writer.getKVClient().get(key).get().getHeader().getRevision() + 1;
      WatchOption option = WatchOption.builder().isPrefix(true).withRevision(from).build();
      try (Watch.Watcher w =
          watcher
              .getWatchClient()
              .watch(
                  prefix,
                  option,
                  response ->
                      response
                          .getEvents()
                          .forEach(e -> log.arrived(e.getKeyValue().getModRevision())))) {
        return SequentialPuts.measure(
            warmup,
            count,
            i ->
                writer
                    .getKVClient()
                    .put(key, ByteSequence.from(SequentialPuts.value(i)))
                    .get()
                    .getHeader()
                    .getRevision(),
            log);
      }
    }
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
