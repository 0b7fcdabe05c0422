package io.keywatch.bench.writes;

import io.keywatch.bench.lab.SseStream;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * N gateways of the fan-out tier following one admin server: each the stream a gateway's {@code
 * AdminFeed} opens (every change, a progress event after each batch, the feed key, Last-Event-ID),
 * on its own connection, instead of each holding a LISTEN (as etcd's N clients each hold a watch
 * stream of the one etcd server).
 */
final class Followers extends CountingWatchers {

  private final List<SseStream> streams = new ArrayList<>();

  Followers(URI admin, String feedKey, int n, long after) throws IOException, InterruptedException {
    for (int i = 0; i < n; i++) {
      EventCount count = newCount();
      streams.add(SseStream.follow(admin, feedKey, after, count::add));
    }
  }

  @Override
  public void close() {
    streams.forEach(SseStream::close);
  }
}
