package io.keywatch.bench.writes;

import io.keywatch.bench.lab.SseStream;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * N watch streams of one admin server, each on its own connection: the fan-out tier, where N data
 * planes follow one admin node's stream instead of each holding a LISTEN (as etcd's N clients each
 * hold a watch stream of the one etcd server).
 */
final class SseWatchers extends CountingWatchers {

  private final List<SseStream> streams = new ArrayList<>();

  SseWatchers(URI admin, String apiKey, int n, String prefix, long after)
      throws IOException, InterruptedException {
    for (int i = 0; i < n; i++) {
      EventCount count = newCount();
      streams.add(SseStream.open(admin, apiKey, prefix, after, count::add));
    }
  }

  @Override
  public void close() {
    streams.forEach(SseStream::close);
  }
}
