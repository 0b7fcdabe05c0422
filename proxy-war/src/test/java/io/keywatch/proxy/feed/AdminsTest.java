package io.keywatch.proxy.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.keywatch.kv.StoreUnavailableException;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Fail-over between the admin servers of keywatch.proxy.feed, against real loopback servers. */
class AdminsTest {

  private HttpServer admin;
  private final AtomicReference<String> keySeen = new AtomicReference<>();

  @BeforeEach
  void startAdmin() throws IOException {
    admin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    admin.createContext(
        "/",
        exchange -> {
          keySeen.set(exchange.getRequestHeaders().getFirst(Admins.KEY_HEADER));
          byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    admin.start();
  }

  @AfterEach
  void stopAdmin() {
    admin.stop(0);
  }

  private URI adminUri() {
    return URI.create("http://127.0.0.1:" + admin.getAddress().getPort() + "/");
  }

  private static URI nothingListening() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return URI.create("http://127.0.0.1:" + s.getLocalPort() + "/");
    }
  }

  @Test
  void aServerThatCannotBeReachedIsPassedOverAndWhenNoneAnswersEveryOneIsNamed()
      throws IOException {
    URI dead = nothingListening();
    Admins admins =
        new Admins(List.of(dead, adminUri()), Optional.of("feed-key"), Duration.ofSeconds(5));

    HttpURLConnection first = admins.get("/routes?rev=1", Map.of());
    assertThat(first.getResponseCode()).isEqualTo(200);
    assertThat(first.getURL().getPort()).isEqualTo(admin.getAddress().getPort());
    assertThat(keySeen.get()).isEqualTo("feed-key");
    first.disconnect();

    admin.stop(0);
    assertThatThrownBy(() -> admins.get("/routes?rev=1", Map.of()))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining(dead.toString())
        .hasMessageContaining(adminUri().toString());
  }
}
