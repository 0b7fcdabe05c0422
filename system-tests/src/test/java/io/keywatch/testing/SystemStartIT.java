package io.keywatch.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;

/** The harness itself: the shared system is up, both servers ready, and on the store it names. */
@KeywatchTest
class SystemStartIT {

  @Test
  void bothServersAreReadyOnTheirOwnPorts(Keywatch keywatch) {
    assertThat(keywatch.adminUri().getPort()).isNotEqualTo(keywatch.proxyUri().getPort());
    assertThat(
            keywatch
                .send(HttpRequest.newBuilder(keywatch.adminUri().resolve("/health/ready")))
                .statusCode())
        .isEqualTo(200);
    assertThat(
            keywatch
                .send(HttpRequest.newBuilder(keywatch.proxyStatusUri().resolve("/health/ready")))
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void theSchemaIsAppliedToTheStoreTheTestsSee(Keywatch keywatch) throws Exception {
    try (var c = keywatch.dataSource().getConnection();
        var rs = c.createStatement().executeQuery("SELECT current >= 0 FROM kv_revision")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getBoolean(1)).isTrue();
    }
  }

  @Test
  void everyTestClassGetsTheSameSystem(Keywatch first, Keywatch second) {
    assertThat(first).isSameAs(second);
  }
}
