package io.keywatch.proxy.forward;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DotSegmentTest {

  @Test
  void dotSegmentsPlainOrEncodedAreFound() {
    assertThat(ForwardingFilter.hasDotSegment("/public/../admin")).isTrue();
    assertThat(ForwardingFilter.hasDotSegment("/public/%2E%2e/admin")).isTrue();
    assertThat(ForwardingFilter.hasDotSegment("/a/./b")).isTrue();
    assertThat(ForwardingFilter.hasDotSegment("/a/..")).isTrue();
    assertThat(ForwardingFilter.hasDotSegment("/a/.")).isTrue();
  }

  @Test
  void dotsInsideNamesAreFine() {
    assertThat(ForwardingFilter.hasDotSegment("/file.txt")).isFalse();
    assertThat(ForwardingFilter.hasDotSegment("/a/..b/.c/d..")).isFalse();
    assertThat(ForwardingFilter.hasDotSegment("/")).isFalse();
  }
}
