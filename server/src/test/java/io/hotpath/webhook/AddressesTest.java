package io.hotpath.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The webhook address rule: global unicast only, embedded IPv4 decoded, own addresses refused. */
class AddressesTest {
  static final Addresses RULE = new Addresses(Set.of(ip("203.0.113.77"), ip("2001:db8::77")));

  static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0.0.0.0",
        "0.1.2.3",
        "10.0.0.1",
        "100.64.0.1",
        "100.100.100.200",
        "127.0.0.1",
        "169.254.169.254",
        "172.16.0.1",
        "172.31.255.255",
        "192.0.0.1",
        "192.0.2.10",
        "192.88.99.1",
        "192.168.1.1",
        "198.18.0.1",
        "198.19.255.254",
        "198.51.100.1",
        "203.0.113.1",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::",
        "::1",
        "::127.0.0.1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "64:ff9b::7f00:1",
        "64:ff9b::a9fe:a9fe",
        "64:ff9b:1::a00:1",
        "2002:7f00:1::",
        "2002:5db8:d70e::1",
        "2001:0:4136:e378:8000:63bf:80ff:fffe",
        "2001:db8::1",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "ff02::1",
        "100::1"
      })
  void special_purpose_addresses_are_refused(String address) {
    assertThat(RULE.allowed(ip(address))).as(address).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "93.184.215.14",
        "8.8.8.8",
        "1.1.1.1",
        "172.32.0.1",
        "100.128.0.1",
        "198.20.0.1",
        "::ffff:93.184.215.14",
        "64:ff9b::5db8:d70e",
        "2606:2800:220:1:248:1893:25c8:1946",
        "2001:4860:4860::8888"
      })
  void global_unicast_addresses_are_allowed(String address) {
    assertThat(RULE.allowed(ip(address))).as(address).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"203.0.113.77", "2001:db8::77"})
  void the_hosts_own_addresses_are_refused(String address) {
    assertThat(RULE.allowed(ip(address))).isFalse();
  }
}
