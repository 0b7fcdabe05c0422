package io.keywatch.proxy.forward;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class HopByHopTest {

  @Test
  void dropsTheFixedSetProxyHeadersAndWhatConnectionNames() {
    HopByHop hop =
        HopByHop.of(Collections.enumeration(List.of("close, X-Secret", " Keep-Alive ,x-other")));
    assertThat(
            List.of(
                "connection",
                "keep-alive",
                "te",
                "trailer",
                "transfer-encoding",
                "upgrade",
                "proxy-authorization",
                "proxy-anything",
                "x-secret",
                "x-other"))
        .allMatch(hop::drops);
    assertThat(List.of("content-type", "x-forwarded-for", "authorization", "cookie", "close-ish"))
        .noneMatch(hop::drops);
  }

  @Test
  void withoutConnectionOnlyTheFixedSetIsDropped() {
    HopByHop hop = HopByHop.of(Collections.emptyEnumeration());
    assertThat(hop.drops("upgrade")).isTrue();
    assertThat(hop.drops("x-secret")).isFalse();
  }
}
