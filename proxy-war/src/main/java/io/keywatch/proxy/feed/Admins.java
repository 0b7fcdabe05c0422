package io.keywatch.proxy.feed;

import io.keywatch.kv.StoreUnavailableException;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The admin servers a gateway follows, in the order configured, and the one it last reached: each
 * request starts there and goes on to the next one (round the list once) when a server cannot be
 * reached or answers 5xx.
 */
final class Admins {

  /** The header the admin API reads its keys from. */
  static final String KEY_HEADER = "X-API-KEY";

  private final List<URI> servers;
  private final Optional<String> key;
  private final Duration timeout;
  private volatile int current;

  Admins(List<URI> servers, Optional<String> key, Duration timeout) {
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("no admin server to follow");
    }
    this.servers = List.copyOf(servers);
    this.key = key;
    this.timeout = timeout;
  }

  /**
   * A GET of {@code pathAndQuery}, answered by the first server that answers below 500, starting at
   * the one last reached; the caller reads and closes it.
   *
   * @throws StoreUnavailableException when none does
   */
  HttpURLConnection get(String pathAndQuery, Map<String, String> headers) {
    StringBuilder failures = new StringBuilder();
    int start = current;
    for (int i = 0; i < servers.size(); i++) {
      int index = (start + i) % servers.size();
      URI uri = servers.get(index).resolve(pathAndQuery);
      HttpURLConnection c = null;
      try {
        c = (HttpURLConnection) uri.toURL().openConnection();
        c.setConnectTimeout((int) timeout.toMillis());
        c.setReadTimeout((int) timeout.toMillis());
        c.setUseCaches(false);
        if (key.isPresent()) {
          c.setRequestProperty(KEY_HEADER, key.get());
        }
        for (Map.Entry<String, String> h : headers.entrySet()) {
          c.setRequestProperty(h.getKey(), h.getValue());
        }
        int status = c.getResponseCode();
        if (status < 500) {
          current = index;
          return c;
        }
        failures.append(uri).append(": ").append(status).append("; ");
        c.disconnect();
      } catch (IOException e) {
        failures.append(uri).append(": ").append(e).append("; ");
        if (c != null) {
          c.disconnect();
        }
      }
    }
    throw new StoreUnavailableException("no admin server answers: " + failures, null);
  }

  @Override
  public String toString() {
    return servers.toString();
  }
}
