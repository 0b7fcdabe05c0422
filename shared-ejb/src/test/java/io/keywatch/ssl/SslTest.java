package io.keywatch.ssl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SslTest {

  @Test
  void aNameServesItselfIgnoringCase() {
    assertThat(Ssl.serves("api.example.com", "API.Example.com")).isTrue();
    assertThat(Ssl.serves("api.example.com", "www.example.com")).isFalse();
  }

  @Test
  void aWildcardServesExactlyOneLabelBelowItsDomain() {
    assertThat(Ssl.serves("*.example.com", "a.example.com")).isTrue();
    assertThat(Ssl.serves("*.example.com", "example.com")).isFalse();
    assertThat(Ssl.serves("*.example.com", "a.b.example.com")).isFalse();
    assertThat(Ssl.serves("*.example.com", "aexample.com")).isFalse();
    assertThat(Ssl.serves("*.example.com", ".example.com")).isFalse();
  }
}
