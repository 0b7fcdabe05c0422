package io.keywatch.proxy.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

  @Test
  void ipv4BlocksMatchTheirPrefixBitsOnly() {
    TrustedProxies t = TrustedProxies.of(List.of("10.0.0.0/8", " 192.168.4.0/22 ", "203.0.113.7"));
    assertThat(List.of("10.0.0.1", "10.255.255.255", "192.168.4.0", "192.168.7.255", "203.0.113.7"))
        .allMatch(t::trusts);
    assertThat(List.of("11.0.0.1", "192.168.8.0", "192.168.3.255", "203.0.113.8", "127.0.0.1"))
        .noneMatch(t::trusts);
  }

  @Test
  void ipv6BlocksMatchAndMappedIpv4PeersCountAsIpv4() {
    TrustedProxies t = TrustedProxies.of(List.of("fd00::/8", "::1/128", "127.0.0.0/8"));
    assertThat(
            List.of("fd12:3456::1", "0:0:0:0:0:0:0:1", "::1", "[::1]", "::1%0", "::ffff:127.0.0.1"))
        .allMatch(t::trusts);
    assertThat(List.of("fe80::1", "::2", "2001:db8::1", "128.0.0.1")).noneMatch(t::trusts);
  }

  @Test
  void nobodyIsTrustedByDefaultAndNoNameIsEverLookedUp() {
    assertThat(TrustedProxies.of(List.of()).trusts("127.0.0.1")).isFalse();
    TrustedProxies all = TrustedProxies.of(List.of("0.0.0.0/0", "::/0"));
    assertThat(all.trusts("8.8.8.8")).isTrue();
    assertThat(all.trusts("2001:db8::1")).isTrue();
    assertThat(all.trusts("localhost")).as("not an address literal").isFalse();
    assertThat(all.trusts("unknown")).isFalse();
  }

  @Test
  void aMalformedBlockIsRefusedByName() {
    for (String bad :
        List.of(
            "10.0.0.0/33",
            "fd00::/129",
            "10.0.0/8",
            "10/8",
            "example.com/8",
            "10.0.0.0/x",
            "/8",
            "::1/-1")) {
      assertThatThrownBy(() -> TrustedProxies.of(List.of(bad)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(bad);
    }
  }
}
