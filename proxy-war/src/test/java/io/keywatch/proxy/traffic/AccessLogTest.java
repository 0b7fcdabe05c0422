package io.keywatch.proxy.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AccessLogTest {

  static String value(String s) {
    StringBuilder b = new StringBuilder();
    AccessLog.value(b, s);
    return b.toString();
  }

  @Test
  void aPrintableValueIsWrittenAsItCame() {
    assertThat(value("/a/b%20c;v=1?")).isEqualTo("/a/b%20c;v=1?");
    assertThat(value("GET")).isEqualTo("GET");
  }

  @Test
  void nothingAClientSendsCanEndTheLineOrFakeAField() {
    String line = value("/x\r\nACCESS route=admin status=200 \"q\\\u2028\u00e9\u007f");
    assertThat(line)
        .isEqualTo("\"/x\\x0d\\x0aACCESS route=admin status=200 \\\"q\\\\\\u2028\\u00e9\\x7f\"")
        .doesNotContain("\r", "\n", "\u2028");
    assertThat(value("a b")).isEqualTo("\"a b\"");
  }

  @Test
  void aMissingValueIsADashAndADashIsQuoted() {
    assertThat(value(null)).isEqualTo("-");
    assertThat(value("")).isEqualTo("-");
    assertThat(value("-")).isEqualTo("\"-\"");
  }
}
