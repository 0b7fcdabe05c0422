package io.keywatch.launcher;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * An address and port a server listens on. The bind address is a numeric one ({@code 0.0.0.0} for
 * every address); {@link #uri()} is where a client on this machine reaches it.
 */
public record Listener(String bind, int port) {

  /**
   * {@code http://localhost:<port>/} when it listens on loopback or everywhere, else at its
   * address.
   */
  public URI uri() {
    return URI.create(
        "http://" + (reachableAsLocalhost() ? "localhost" : hostOf(bind)) + ":" + port + "/");
  }

  private boolean reachableAsLocalhost() {
    try {
      InetAddress a = InetAddress.getByName(bind);
      return a.isAnyLocalAddress() || a.equals(InetAddress.getLoopbackAddress());
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String hostOf(String address) {
    return address.contains(":") ? "[" + address + "]" : address;
  }
}
