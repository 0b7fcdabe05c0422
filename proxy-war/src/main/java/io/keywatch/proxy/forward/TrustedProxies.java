package io.keywatch.proxy.forward;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The peers whose forwarding headers the gateway believes (nginx's {@code set_real_ip_from}): CIDR
 * blocks, IPv4 ({@code 10.0.0.0/8}) or IPv6 ({@code fd00::/8}); a bare address is a block of one.
 * An IPv4-mapped IPv6 peer ({@code ::ffff:10.1.2.3}) is matched as the IPv4 address it is.
 */
final class TrustedProxies {

  /** One block: the address's bytes and how many leading bits must match. */
  private record Block(byte[] network, int bits) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int whole = bits / 8;
      for (int i = 0; i < whole; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      int mask = (0xff << (8 - rest)) & 0xff;
      return rest == 0 || (address[whole] & mask) == (network[whole] & mask);
    }
  }

  private final List<Block> blocks;

  private TrustedProxies(List<Block> blocks) {
    this.blocks = blocks;
  }

  /** Parses the blocks; a malformed one is an {@link IllegalArgumentException} naming it. */
  static TrustedProxies of(List<String> cidrs) {
    List<Block> blocks = new ArrayList<>();
    for (String cidr : cidrs) {
      String c = cidr.strip();
      if (c.isEmpty()) {
        continue;
      }
      int slash = c.indexOf('/');
      byte[] network = literal(slash < 0 ? c : c.substring(0, slash));
      int bits = network == null ? -1 : network.length * 8;
      if (network != null && slash >= 0) {
        try {
          bits = Integer.parseInt(c.substring(slash + 1));
        } catch (NumberFormatException e) {
          bits = -1;
        }
      }
      if (network == null || bits < 0 || bits > network.length * 8) {
        throw new IllegalArgumentException(
            "keywatch.proxy.trusted-proxies: not a CIDR block (address/bits): " + cidr);
      }
      blocks.add(new Block(network, bits));
    }
    return new TrustedProxies(List.copyOf(blocks));
  }

  /** Whether the peer, an address as the container gives it ({@code getRemoteAddr}), is trusted. */
  boolean trusts(String peer) {
    if (blocks.isEmpty()) {
      return false;
    }
    byte[] address = literal(peer);
    if (address == null) {
      return false;
    }
    for (Block b : blocks) {
      if (b.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The bytes of an IP address literal (4 or 16), or null for anything else. Only literals reach
   * {@link InetAddress#getByName}, which then parses them without a name lookup.
   */
  private static byte[] literal(String address) {
    int scope = address.indexOf('%');
    String a = scope < 0 ? address : address.substring(0, scope);
    if (a.startsWith("[") && a.endsWith("]")) {
      a = a.substring(1, a.length() - 1);
    }
    if (a.isEmpty()) {
      return null;
    }
    boolean v6 = a.indexOf(':') >= 0;
    int dots = 0;
    for (int i = 0; i < a.length(); i++) {
      char ch = a.charAt(i);
      dots += ch == '.' ? 1 : 0;
      boolean ok =
          (ch >= '0' && ch <= '9')
              || ch == '.'
              || (v6 && (ch == ':' || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F')));
      if (!ok) {
        return null;
      }
    }
    if (!v6 && dots != 3) {
      return null; // InetAddress would take "10" or "10.1" as shorthand forms
    }
    try {
      return InetAddress.getByName(a).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
