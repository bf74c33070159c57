package io.hotpath.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which addresses a webhook may reach: global unicast only, after the IANA IPv4 and IPv6
 * Special-Purpose Address Registries (every block not marked "globally reachable" is refused), with
 * the IPv4 address inside an IPv6 one decoded and checked too (IPv4-mapped and -compatible, NAT64
 * 64:ff9b::/96 and 64:ff9b:1::/48, 6to4 2002::/16, Teredo 2001::/32), and never one of this host's
 * own addresses.
 *
 * <p>Written here because no library on Maven Central carries the registries as data: the JDK's
 * {@code isSiteLocalAddress()} and friends know a handful of blocks (not 100.64/10, 198.18/15,
 * 192.0.0/24, ...), and Guava's {@code InetAddresses} decodes 6to4 and Teredo but not NAT64 and has
 * no notion of "special purpose". The tables below are the registries' rows (2026).
 */
final class Addresses {
  /** A block of the registry: prefix and length in bits. */
  private record Block(byte[] prefix, int bits) {
    static Block of(String cidr) {
      int slash = cidr.indexOf('/');
      try {
        return new Block(
            InetAddress.getByName(cidr.substring(0, slash)).getAddress(),
            Integer.parseInt(cidr.substring(slash + 1)));
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException(cidr, e);
      }
    }

    boolean contains(byte[] a) {
      if (a.length != prefix.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (a[i] != prefix[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (a[full] & mask) == (prefix[full] & mask);
    }
  }

  /** IPv4 blocks that are not globally reachable (RFC 6890 and successors). */
  private static final List<Block> V4 =
      blocks(
          "0.0.0.0/8", // this network
          "10.0.0.0/8", // private
          "100.64.0.0/10", // shared address space (carrier NAT; cloud metadata at 100.100.100.200)
          "127.0.0.0/8", // loopback
          "169.254.0.0/16", // link local (cloud metadata at 169.254.169.254)
          "172.16.0.0/12", // private
          "192.0.0.0/24", // IETF protocol assignments
          "192.0.2.0/24", // documentation TEST-NET-1
          "192.31.196.0/24", // AS112-v4
          "192.52.193.0/24", // AMT
          "192.88.99.0/24", // deprecated 6to4 relay anycast
          "192.168.0.0/16", // private
          "192.175.48.0/24", // direct delegation AS112
          "198.18.0.0/15", // benchmarking
          "198.51.100.0/24", // documentation TEST-NET-2
          "203.0.113.0/24", // documentation TEST-NET-3
          "224.0.0.0/4", // multicast
          "240.0.0.0/4"); // reserved, and 255.255.255.255 broadcast

  /** IPv6 blocks that are not globally reachable; the embedded-IPv4 ones are decoded first. */
  private static final List<Block> V6 =
      blocks(
          "::/128", // unspecified
          "::1/128", // loopback
          "100::/64", // discard-only
          "100:0:0:1::/64", // dummy prefix
          "2001::/23", // IETF protocol assignments (Teredo's 2001::/32 included)
          "2001:db8::/32", // documentation
          "2002::/16", // 6to4 (its IPv4 is checked as well)
          "3fff::/20", // documentation
          "5f00::/16", // segment routing SIDs
          "fc00::/7", // unique local
          "fe80::/10", // link local
          "fec0::/10", // deprecated site local
          "ff00::/8"); // multicast

  /** Blocks inside 2001::/23 the registry does mark globally reachable. */
  private static final List<Block> V6_GLOBAL_EXCEPTIONS =
      blocks(
          "2001:1::1/128",
          "2001:1::2/128",
          "2001:3::/32",
          "2001:4:112::/48",
          "2001:20::/28",
          "2001:30::/28");

  private static final Block NAT64 = Block.of("64:ff9b::/96");
  private static final Block NAT64_LOCAL = Block.of("64:ff9b:1::/48");
  private static final Block SIX_TO_FOUR = Block.of("2002::/16");
  private static final Block TEREDO = Block.of("2001::/32");

  private final Set<InetAddress> own;

  /** A checker that also refuses {@code own} (this host's addresses). */
  Addresses(Set<InetAddress> own) {
    this.own = own;
  }

  /** A checker that refuses this host's current interface addresses. */
  static Addresses ofThisHost() {
    var own = new HashSet<InetAddress>();
    try {
      for (var nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        own.addAll(Collections.list(nic.getInetAddresses()));
      }
    } catch (SocketException e) {
      // no interfaces to list: the registry rules still apply
    }
    return new Addresses(Set.copyOf(own));
  }

  /** Whether a webhook may be delivered to {@code a}. */
  boolean allowed(InetAddress a) {
    if (own.contains(a)) {
      return false;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      return V4.stream().noneMatch(block -> block.contains(b));
    }
    if (a instanceof Inet6Address) {
      byte[] v4 = embeddedV4(b);
      if (v4 != null && !allowedV4(v4)) {
        return false; // whatever the IPv6 form, it leads to an address that is not public
      }
      if (v4 != null && (mappedOrCompatible(b) || NAT64.contains(b))) {
        return true; // only a carrier for the (public) IPv4 address
      }
      if (V6_GLOBAL_EXCEPTIONS.stream().anyMatch(block -> block.contains(b))) {
        return true;
      }
      return V6.stream().noneMatch(block -> block.contains(b));
    }
    return false;
  }

  private boolean allowedV4(byte[] v4) {
    try {
      return allowed(InetAddress.getByAddress(v4));
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static boolean mappedOrCompatible(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return (b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0);
  }

  /** The IPv4 address an IPv6 address carries, or null. */
  static byte[] embeddedV4(byte[] b) {
    // IPv4-mapped ::ffff:a.b.c.d and IPv4-compatible ::a.b.c.d (but not :: and ::1)
    if (mappedOrCompatible(b)) {
      byte[] v4 = Arrays.copyOfRange(b, 12, 16);
      boolean tiny = b[10] == 0 && v4[0] == 0 && v4[1] == 0 && v4[2] == 0 && (v4[3] & 0xff) <= 1;
      return tiny ? null : v4;
    }
    if (NAT64.contains(b)) {
      return Arrays.copyOfRange(b, 12, 16);
    }
    if (NAT64_LOCAL.contains(b)) {
      return Arrays.copyOfRange(b, 12, 16); // RFC 8215 local-use: the low 32 bits
    }
    if (SIX_TO_FOUR.contains(b)) {
      return Arrays.copyOfRange(b, 2, 6);
    }
    if (TEREDO.contains(b)) {
      byte[] v4 = Arrays.copyOfRange(b, 12, 16); // the client's address, bits inverted
      for (int i = 0; i < 4; i++) {
        v4[i] = (byte) ~v4[i];
      }
      return v4;
    }
    return null;
  }

  private static List<Block> blocks(String... cidrs) {
    return Arrays.stream(cidrs).map(Block::of).toList();
  }
}
