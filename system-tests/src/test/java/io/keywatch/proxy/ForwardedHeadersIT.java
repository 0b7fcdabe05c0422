package io.keywatch.proxy;

import static io.keywatch.proxy.ForwardingIT.routeTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.testing.Keywatch;
import io.keywatch.testing.KeywatchTest;
import java.net.http.HttpRequest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the upstream is told about the client: the gateway's own view of the connection, unless the
 * client is a trusted proxy ({@code KEYWATCH_PROXY_TRUSTED_PROXIES}), whose forwarding headers are
 * kept and appended to. The shared system trusts nobody; {@link TrustedProxiesIT} trusts loopback.
 */
@KeywatchTest
class ForwardedHeadersIT {

  static EchoUpstream echo;

  @BeforeAll
  static void upstream() {
    echo = new EchoUpstream("E");
  }

  @AfterAll
  static void stop() {
    echo.close();
  }

  /** A client's claims about who it is and how it came. */
  static HttpRequest.Builder claiming(HttpRequest.Builder request) {
    return request
        .header("X-Forwarded-For", "10.1.2.3")
        .header("X-Forwarded-Proto", "https")
        .header("X-Forwarded-Host", "shop.example")
        .header("X-Forwarded-Port", "443")
        .header("X-Forwarded-Prefix", "/admin")
        .header("X-Real-IP", "10.1.2.3")
        .header("Forwarded", "for=10.1.2.3;proto=https;host=shop.example");
  }

  @Test
  void anUntrustedClientsForwardingHeadersAreReplacedByTheGatewaysView(Keywatch kw)
      throws InterruptedException {
    String base = routeTo(kw, echo.url(), "");
    echo.received.clear();
    assertThat(kw.send(claiming(kw.proxyRequest(base + "/who"))).statusCode()).isEqualTo(200);

    EchoUpstream.Received got = echo.received.poll(5, TimeUnit.SECONDS);
    int port = kw.proxyUri().getPort();
    assertThat(got.header("X-forwarded-for")).isEqualTo("127.0.0.1");
    assertThat(got.header("X-forwarded-proto")).isEqualTo("http");
    assertThat(got.header("X-forwarded-host")).isEqualTo("localhost:" + port);
    assertThat(got.header("X-forwarded-port")).isEqualTo(Integer.toString(port));
    assertThat(got.header("X-forwarded-prefix")).isNull();
    assertThat(got.header("X-real-ip")).isEqualTo("127.0.0.1");
    assertThat(got.header("Forwarded"))
        .isEqualTo("for=127.0.0.1;host=\"localhost:" + port + "\";proto=http");
  }

  @Test
  void withoutClaimsOnlyTheXForwardedHeadersAreAdded(Keywatch kw) throws InterruptedException {
    String base = routeTo(kw, echo.url(), "");
    echo.received.clear();
    assertThat(kw.proxyGet(base + "/plain").statusCode()).isEqualTo(200);

    EchoUpstream.Received got = echo.received.poll(5, TimeUnit.SECONDS);
    assertThat(got.header("X-forwarded-for")).isEqualTo("127.0.0.1");
    assertThat(got.header("X-forwarded-port")).isEqualTo(Integer.toString(kw.proxyUri().getPort()));
    assertThat(got.header("X-real-ip")).isNull();
    assertThat(got.header("Forwarded")).isNull();
  }
}
