package io.keywatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher refuses a taken port before it starts anything, and names the setting to change. */
class PortCheckTest {

  @TempDir Path work;

  @Test
  void aPortTakenOnLoopbackOnlyIsSeenAsTaken() throws Exception {
    try (ServerSocket other = new ServerSocket()) {
      other.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      KeywatchSystem.Options options =
          KeywatchSystem.Options.builder()
              .workDir(work)
              .apiKey("k")
              .adminPort(other.getLocalPort())
              .build()
              .withFreePorts();

      assertThatThrownBy(options::checkPorts)
          .isInstanceOf(PortInUseException.class)
          .hasMessageContaining("admin port " + other.getLocalPort())
          .hasMessageContaining("KEYWATCH_ADMIN_PORT");
    }
  }

  @Test
  void freePortsAreDistinct() {
    KeywatchSystem.Options options =
        KeywatchSystem.Options.builder().workDir(work).apiKey("k").build().withFreePorts();

    assertThat(options.adminPort())
        .isNotZero()
        .isNotEqualTo(options.proxyPort())
        .isNotEqualTo(options.pgPort());
    assertThat(options.proxyPort()).isNotZero().isNotEqualTo(options.pgPort());
    options.checkPorts();
  }
}
