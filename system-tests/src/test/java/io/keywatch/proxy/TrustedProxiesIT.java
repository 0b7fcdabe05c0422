package io.keywatch.proxy;

import static io.keywatch.proxy.ForwardedHeadersIT.claiming;
import static io.keywatch.proxy.ForwardingIT.routeTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.launcher.ServerRole;
import io.keywatch.testing.Keywatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A gateway that trusts the proxies on loopback passes on what they say about the client, its own
 * hop appended.
 */
class TrustedProxiesIT {

  @Test
  void aTrustedProxysForwardingHeadersAreKeptAndAppendedTo() throws InterruptedException {
    try (EchoUpstream echo = new EchoUpstream("E");
        Keywatch kw =
            Keywatch.startPrivate(
                "trusted-proxies",
                o ->
                    o.env(
                        ServerRole.PROXY,
                        "KEYWATCH_PROXY_TRUSTED_PROXIES",
                        "192.168.0.0/16, 127.0.0.0/8, ::1/128, fd00::/8"))) {
      String base = routeTo(kw, echo.url(), "");
      echo.received.clear();
      assertThat(kw.send(claiming(kw.proxyRequest(base + "/who"))).statusCode()).isEqualTo(200);

      EchoUpstream.Received got = echo.received.poll(5, TimeUnit.SECONDS);
      int port = kw.proxyUri().getPort();
      assertThat(got.header("X-forwarded-for")).isEqualTo("10.1.2.3, 127.0.0.1");
      assertThat(got.header("X-forwarded-proto")).isEqualTo("https");
      assertThat(got.header("X-forwarded-host")).isEqualTo("shop.example");
      assertThat(got.header("X-forwarded-port")).isEqualTo("443");
      assertThat(got.header("X-forwarded-prefix")).isEqualTo("/admin");
      assertThat(got.header("X-real-ip")).isEqualTo("10.1.2.3");
      assertThat(got.header("Forwarded"))
          .isEqualTo(
              "for=10.1.2.3;proto=https;host=shop.example, for=127.0.0.1;host=\"localhost:"
                  + port
                  + "\";proto=http");

      assertThat(kw.proxyGet(base + "/plain").statusCode()).isEqualTo(200);
      EchoUpstream.Received plain = echo.received.poll(5, TimeUnit.SECONDS);
      assertThat(plain.header("X-forwarded-for"))
          .as("a trusted proxy that says nothing")
          .isEqualTo("127.0.0.1");
      assertThat(plain.header("X-forwarded-proto")).isEqualTo("http");
      assertThat(plain.header("X-forwarded-port")).isEqualTo(Integer.toString(port));
      assertThat(plain.header("Forwarded")).isNull();
    }
  }
}
