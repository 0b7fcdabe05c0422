package io.keywatch.proxy.forward;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestSyntaxTest {

  static boolean dotSegment(String path) {
    return "path with . or .. segments".equals(RequestSyntax.targetProblem(path, null));
  }

  @Test
  void dotSegmentsPlainOrEncodedAreFound() {
    assertThat(dotSegment("/public/../admin")).isTrue();
    assertThat(dotSegment("/public/%2E%2e/admin")).isTrue();
    assertThat(dotSegment("/a/./b")).isTrue();
    assertThat(dotSegment("/a/..")).isTrue();
    assertThat(dotSegment("/a/.")).isTrue();
  }

  @Test
  void aDotSegmentEndsAtAnEncodedSlashOrBackslashOrAPathParameter() {
    assertThat(dotSegment("/public/..%2fadmin")).isTrue();
    assertThat(dotSegment("/public/%2e%2e%2Fadmin")).isTrue();
    assertThat(dotSegment("/public/..%5cadmin")).isTrue();
    assertThat(dotSegment("/public/..;/admin")).isTrue();
    assertThat(dotSegment("/public/.;x=1/admin")).isTrue();
  }

  @Test
  void dotsInsideNamesAndParametersAreFine() {
    assertThat(RequestSyntax.targetProblem("/file.txt", null)).isNull();
    assertThat(RequestSyntax.targetProblem("/a/..b/.c/d..", null)).isNull();
    assertThat(RequestSyntax.targetProblem("/", null)).isNull();
    assertThat(RequestSyntax.targetProblem("/a;v=..;w=./b", null)).isNull();
    assertThat(RequestSyntax.targetProblem("/group%2Fproject/raw", "ref=a/b?c=%20d&e=.."))
        .as("an encoded slash inside a name")
        .isNull();
    assertThat(RequestSyntax.targetProblem("/list", "ids[]=1&ids[]=2")).isNull();
  }

  @Test
  void aTargetOutsideRfc3986IsRefused() {
    assertThat(RequestSyntax.targetProblem("/a\u000bb", null)).isNotNull();
    assertThat(RequestSyntax.targetProblem("/a b", null)).isNotNull();
    assertThat(RequestSyntax.targetProblem("/x HTTP/1.1\r\nHost: x\r\n\r\nDELETE /other", null))
        .isNotNull();
    assertThat(RequestSyntax.targetProblem("/caf\u00e9", null)).isNotNull();
    assertThat(RequestSyntax.targetProblem("/a\\b", null)).isNotNull();
    assertThat(RequestSyntax.targetProblem("/a%zz", null)).isNotNull();
    assertThat(RequestSyntax.targetProblem("/a%2", null)).isNotNull();
    assertThat(RequestSyntax.targetProblem("/a", "q=\r\n")).isNotNull();
    assertThat(RequestSyntax.targetProblem("/a", "q=#")).isNotNull();
    assertThat(RequestSyntax.targetProblem("/a", "q={x}|\"")).isNotNull();
    assertThat(RequestSyntax.targetProblem("/a[1]", null)).isNotNull();
    assertThat(RequestSyntax.targetProblem("*", null)).isNotNull();
    assertThat(RequestSyntax.targetProblem("example.com:443", null)).isNotNull();
  }

  @Test
  void methodsAndHeaderNamesAreTokens() {
    assertThat(RequestSyntax.isToken("GET")).isTrue();
    assertThat(RequestSyntax.isToken("M-SEARCH")).isTrue();
    assertThat(RequestSyntax.isToken("GET\u000b/X\u000bHTTP/1.1\r\nHost:x\r\n\r\nGET")).isFalse();
    assertThat(RequestSyntax.isToken("")).isFalse();
    assertThat(RequestSyntax.isToken("X Y")).isFalse();
    assertThat(RequestSyntax.isToken("X:Y")).isFalse();
  }

  @Test
  void headerValuesHaveNoControlCharacterButTab() {
    assertThat(RequestSyntax.isFieldValue("a\tb c \u00e9")).isTrue();
    assertThat(RequestSyntax.isFieldValue("")).isTrue();
    assertThat(RequestSyntax.isFieldValue("a\rb")).isFalse();
    assertThat(RequestSyntax.isFieldValue("a\nb")).isFalse();
    assertThat(RequestSyntax.isFieldValue("a\u0000b")).isFalse();
    assertThat(RequestSyntax.isFieldValue("a\u007fb")).isFalse();
  }

  @Test
  void hostIsAHostAndAnOptionalPort() {
    assertThat(RequestSyntax.isHost("example.com")).isTrue();
    assertThat(RequestSyntax.isHost("example.com.:8080")).isTrue();
    assertThat(RequestSyntax.isHost("127.0.0.1:80")).isTrue();
    assertThat(RequestSyntax.isHost("[::1]:9080")).isTrue();
    assertThat(RequestSyntax.isHost("[::1]")).isTrue();
    assertThat(RequestSyntax.isHost("a: 80")).isFalse();
    assertThat(RequestSyntax.isHost("")).isFalse();
    assertThat(RequestSyntax.isHost("a x: y")).isFalse();
    assertThat(RequestSyntax.isHost(":80")).isFalse();
    assertThat(RequestSyntax.isHost("a:8o")).isFalse();
    assertThat(RequestSyntax.isHost("a:123456")).isFalse();
    assertThat(RequestSyntax.isHost("[::1")).isFalse();
  }
}
