package io.keywatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywatch.settings.Catalogue;
import io.keywatch.settings.LauncherSetting;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LauncherConfigTest {

  @AfterEach
  void clear() {
    System.clearProperty(LauncherSetting.ADMIN_PORT);
    System.clearProperty(LauncherSetting.START_TIMEOUT);
    System.clearProperty(LauncherSetting.ADMIN_BIND);
  }

  @Test
  void environmentVariablesAreNamedAsMicroProfileConfigNamesThem() {
    assertThat(Catalogue.envVar(LauncherSetting.ADMIN_PORT)).isEqualTo("KEYWATCH_ADMIN_PORT");
    assertThat(Catalogue.envVar(LauncherSetting.DATA_DIR)).isEqualTo("KEYWATCH_DATA_DIR");
    assertThat(Catalogue.envVar(LauncherSetting.SERVER_JAVA_OPTIONS))
        .isEqualTo("KEYWATCH_SERVER_JAVA_OPTIONS");
  }

  @Test
  void everySettingThatTheLauncherNeedsHasADefault() {
    assertThat(LauncherConfig.port(LauncherSetting.ADMIN_PORT)).isEqualTo(9180);
    assertThat(LauncherConfig.port(LauncherSetting.PROXY_PORT)).isEqualTo(9080);
    assertThat(LauncherConfig.value(LauncherSetting.JDBC_URL)).isEmpty();
    assertThat(LauncherConfig.duration(LauncherSetting.START_TIMEOUT)).isPositive();
  }

  @Test
  void theEmbeddedPostgresPortLiesOutsideLinuxsEphemeralRange() {
    // 32768-60999 (net.ipv4.ip_local_port_range): an outgoing connection may hold such a port at
    // first start
    int port = LauncherConfig.port(LauncherSetting.POSTGRES_PORT);
    assertThat(port < 32768 || port > 60999).as("port %d outside 32768-60999", port).isTrue();
  }

  @Test
  void theAdminListensOnLoopbackAndTheGatewayEverywhereByDefault() {
    assertThat(LauncherConfig.address(LauncherSetting.ADMIN_BIND)).isEqualTo("127.0.0.1");
    assertThat(LauncherConfig.address(LauncherSetting.PROXY_BIND)).isEqualTo("0.0.0.0");
    assertThat(LauncherConfig.address(LauncherSetting.PROXY_STATUS_BIND)).isEqualTo("127.0.0.1");
    assertThat(LauncherConfig.port(LauncherSetting.PROXY_STATUS_PORT)).isEqualTo(9091);
  }

  @Test
  void aBindAddressIsANumericAddressNeverAName() {
    System.setProperty(LauncherSetting.ADMIN_BIND, "::1");
    assertThat(LauncherConfig.address(LauncherSetting.ADMIN_BIND)).isEqualTo("::1");
    for (String bad : new String[] {"localhost", "999.1.1.1", "1.2.3", "admin.example"}) {
      System.setProperty(LauncherSetting.ADMIN_BIND, bad);
      assertThatThrownBy(() -> LauncherConfig.address(LauncherSetting.ADMIN_BIND))
          .hasMessageContaining("KEYWATCH_ADMIN_BIND")
          .hasMessageContaining(bad);
    }
  }

  @Test
  void aSystemPropertyOverridesTheDefault() {
    System.setProperty(LauncherSetting.ADMIN_PORT, "39181");
    assertThat(LauncherConfig.port(LauncherSetting.ADMIN_PORT)).isEqualTo(39181);
    System.setProperty(LauncherSetting.START_TIMEOUT, "PT10S");
    assertThat(LauncherConfig.duration(LauncherSetting.START_TIMEOUT))
        .isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void aBadValueNamesTheVariableToFix() {
    System.setProperty(LauncherSetting.ADMIN_PORT, "80a");
    assertThatThrownBy(() -> LauncherConfig.port(LauncherSetting.ADMIN_PORT))
        .hasMessageContaining("KEYWATCH_ADMIN_PORT")
        .hasMessageContaining("80a");
    System.setProperty(LauncherSetting.ADMIN_PORT, "70000");
    assertThatThrownBy(() -> LauncherConfig.port(LauncherSetting.ADMIN_PORT))
        .hasMessageContaining("between 1 and 65535");
  }
}
