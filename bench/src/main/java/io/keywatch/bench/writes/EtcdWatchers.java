package io.keywatch.bench.writes;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * N jetcd clients (N connections, as N data planes have), each watching the prefix from a revision.
 */
public final class EtcdWatchers extends CountingWatchers {

  private final List<Client> clients = new ArrayList<>();
  private final List<Watch.Watcher> watchers = new ArrayList<>();

  EtcdWatchers(String endpoint, int n, long fromRevision) {
    this(() -> Client.builder().endpoints(endpoint).build(), n, fromRevision);
  }

  /** N watchers, each on a client of its own from {@code connect}. */
  public EtcdWatchers(Supplier<Client> connect, int n, long fromRevision) {
    ByteSequence prefix = ByteSequence.from("/bench/", StandardCharsets.UTF_8);
    WatchOption option = WatchOption.builder().isPrefix(true).withRevision(fromRevision).build();
    for (int i = 0; i < n; i++) {
      Client c = connect.get();
      clients.add(c);
      EventCount count = newCount();
      watchers.add(
          c.getWatchClient()
              .watch(
                  prefix,
                  option,
                  response ->
                      response
                          .getEvents()
                          .forEach(e -> count.add(e.getKeyValue().getModRevision()))));
    }
  }

  @Override
  public void close() {
    watchers.forEach(Watch.Watcher::close);
    clients.forEach(Client::close);
  }
}
