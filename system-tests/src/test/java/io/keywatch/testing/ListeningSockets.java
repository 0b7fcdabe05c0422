package io.keywatch.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The addresses the listening TCP sockets of a port or a process are bound to, as the kernel lists
 * them in {@code /proc/net/tcp} and {@code /proc/net/tcp6}: a test can tell that a server listens
 * on loopback only without connecting to any other address of the machine (which the tests must
 * never do).
 */
public final class ListeningSockets {

  /** The state column's value for a socket in LISTEN. */
  private static final String LISTEN = "0A";

  private ListeningSockets() {}

  /** One listening socket: where it is bound, and its inode (how a process's fds name it). */
  public record Listener(InetAddress address, int port, long inode) {}

  /**
   * Every address a socket listens on at this port; an IPv4-mapped IPv6 one (a Java socket bound to
   * 127.0.0.1 on a dual-stack system) comes back as its IPv4 address, {@code ::} as the IPv6
   * wildcard.
   */
  public static Set<InetAddress> boundTo(int port) {
    Set<InetAddress> found = new LinkedHashSet<>();
    for (Listener l : all()) {
      if (l.port() == port) {
        found.add(l.address());
      }
    }
    return found;
  }

  /** The sockets a process listens on, found by the socket inodes among its open files. */
  public static List<Listener> ofProcess(long pid) {
    Set<Long> inodes;
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      inodes =
          fds.map(ListeningSockets::linkTarget)
              .filter(t -> t.startsWith("socket:["))
              .map(t -> Long.parseLong(t.substring("socket:[".length(), t.length() - 1)))
              .collect(Collectors.toSet());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the files of process " + pid, e);
    }
    return all().stream().filter(l -> inodes.contains(l.inode())).toList();
  }

  private static String linkTarget(Path fd) {
    try {
      return Files.readSymbolicLink(fd).toString();
    } catch (IOException e) {
      return ""; // closed meanwhile
    }
  }

  private static List<Listener> all() {
    List<Listener> found = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> lines;
      try {
        lines = Files.readAllLines(Path.of(table));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + table, e);
      }
      for (String line : lines.subList(1, lines.size())) {
        // "  0: 0100007F:23F0 00000000:0000 0A ... <uid> <timeout> <inode>": local address:port
        // (hex), remote, state
        String[] fields = line.trim().split("\\s+");
        String[] local = fields[1].split(":");
        if (fields[3].equals(LISTEN)) {
          found.add(
              new Listener(
                  address(local[0]), Integer.parseInt(local[1], 16), Long.parseLong(fields[9])));
        }
      }
    }
    return found;
  }

  /**
   * The kernel prints an address as 32-bit words in the machine's byte order (little-endian here).
   */
  private static InetAddress address(String hex) {
    byte[] bytes = HexFormat.of().parseHex(hex);
    for (int word = 0; word < bytes.length; word += 4) {
      for (int i = 0; i < 2; i++) {
        byte b = bytes[word + i];
        bytes[word + i] = bytes[word + 3 - i];
        bytes[word + 3 - i] = b;
      }
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("not an address: " + hex, e);
    }
  }
}
