package io.keywatch.proxy;

import static io.keywatch.testing.Keywatch.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.launcher.KeywatchHome;
import io.keywatch.launcher.Listener;
import io.keywatch.launcher.PayaraServer;
import io.keywatch.launcher.ServerRole;
import io.keywatch.testing.Keywatch;
import io.keywatch.testing.LauncherProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The proxy on a private system whose PostgreSQL the tests stop, with a heap (96 MiB) smaller than
 * the bodies it streams: a 100 MiB body that the proxy held would not fit.
 */
class ProxyResilienceIT {

  static final String HEAP = "-Xmx96m";
  static final long BIG = 100L * 1024 * 1024;
  static final int CHUNKED_UPLOADS = 80;

  static Keywatch kw;
  static EchoUpstream echo;
  static Path snapshotFile;

  @BeforeAll
  static void start() {
    echo = new EchoUpstream("R");
    Path work = Path.of(System.getProperty("keywatch.test.work-dir", "target/systems"));
    snapshotFile = work.resolve("proxy-resilience-routes.json").toAbsolutePath();
    kw =
        Keywatch.startPrivate(
            "proxy-resilience",
            options ->
                options
                    .javaOption(HEAP)
                    .env(
                        ServerRole.PROXY, "KEYWATCH_PROXY_SNAPSHOT_FILE", snapshotFile.toString()));
  }

  @AfterAll
  static void stop() {
    if (kw != null) {
      kw.close();
    }
    echo.close();
  }

  static String routeTo(String uriPrefix) {
    String id = Keywatch.uniqueId("res");
    String base = "/" + id + uriPrefix;
    eventually()
        .untilAsserted(
            () ->
                assertThat(
                        kw.adminPut(
                                "/routes/" + id,
                                "{\"uri\": \""
                                    + base
                                    + "/*\", \"upstream\": \""
                                    + echo.url()
                                    + "\"}")
                            .statusCode())
                    .isIn(200, 201));
    eventually().until(() -> kw.proxyGet(base + "/").statusCode() == 200);
    return base;
  }

  @Test
  void a100MiBBodyStreamsBothWaysThroughASmallHeap() throws IOException {
    String base = routeTo("/big");
    String expected = HexFormat.of().formatHex(EchoUpstream.Generated.sha256Of(BIG));

    HttpResponse<InputStream> down =
        kw.send(
            kw.proxyRequest(base + "/bytes/" + BIG).timeout(Duration.ofMinutes(5)).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(down.statusCode()).isEqualTo(200);
    assertThat(down.headers().firstValueAsLong("Content-Length")).hasValue(BIG);
    try (InputStream body = down.body()) {
      assertThat(HexFormat.of().formatHex(EchoUpstream.Generated.sha256(body))).isEqualTo(expected);
    }

    HttpResponse<String> up =
        kw.send(
            kw.proxyRequest(base + "/digest")
                .timeout(Duration.ofMinutes(5))
                .POST(
                    HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(
                            () -> EchoUpstream.Generated.stream(BIG)),
                        BIG))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(up.statusCode()).isEqualTo(200);
    assertThat(up.body()).isEqualTo(expected);

    HttpResponse<String> chunkedUp;
    try {
      chunkedUp = chunkedUpload(base);
    } catch (UncheckedIOException dropped) {
      // the container's own race (see RequestBody) dropped the connection, as it did in about one
      // CI run in ten: once more; a wrong digest, an error status or a second drop fail the test
      chunkedUp = chunkedUpload(base);
    }
    assertThat(chunkedUp.statusCode()).isEqualTo(200);
    assertThat(chunkedUp.body())
        .as("a body of unknown length is re-chunked upstream")
        .isEqualTo(expected);
  }

  private static HttpResponse<String> chunkedUpload(String base) {
    return kw.send(
        kw.proxyRequest(base + "/digest")
            .timeout(Duration.ofMinutes(5))
            .POST(
                HttpRequest.BodyPublishers.ofInputStream(() -> EchoUpstream.Generated.stream(BIG)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Chunked uploads, several at a time, each arrive whole: the non-blocking body reads once lost
   * some of them (a ClassCastException in Grizzly's filter chain, see RequestBody), most often as a
   * body ended and its answer came back at once.
   */
  @Test
  void manyChunkedUploadsAtOnceEachArriveWhole() throws IOException {
    String base = routeTo("/many");
    long size = 4L << 20;
    String expected = HexFormat.of().formatHex(EchoUpstream.Generated.sha256Of(size));
    List<CompletableFuture<HttpResponse<String>>> uploads = new ArrayList<>();
    List<String> digests = new ArrayList<>();
    for (int i = 0; i < CHUNKED_UPLOADS; i++) {
      uploads.add(
          kw.http()
              .sendAsync(
                  kw.proxyRequest(base + "/digest")
                      .timeout(Duration.ofMinutes(2))
                      .POST(
                          HttpRequest.BodyPublishers.ofInputStream(
                              () -> EchoUpstream.Generated.stream(size)))
                      .build(),
                  HttpResponse.BodyHandlers.ofString()));
      if (uploads.size() == 4) { // four at a time
        uploads.forEach(u -> digests.add(u.join().body()));
        uploads.clear();
      }
    }
    uploads.forEach(u -> digests.add(u.join().body()));
    assertThat(digests).hasSize(CHUNKED_UPLOADS).containsOnly(expected);
  }

  @Test
  void servesWhilePostgresIsDownAndCatchesUpWhenItIsBack() {
    String before = routeTo("/pg");
    kw.postgres().stop();
    try {
      for (int i = 0; i < 10; i++) {
        HttpResponse<String> r = kw.proxyGet(before + "/down" + i);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("R GET " + before + "/down" + i);
      }
    } finally {
      kw.postgres().start();
    }
    String after = routeTo("/after-restart");
    assertThat(kw.proxyGet(after + "/x").body()).isEqualTo("R GET " + after + "/x");
    assertThat(kw.proxyGet(before + "/x").statusCode()).isEqualTo(200);
  }

  @Test
  void startsWithoutPostgresAndServesTheRoutesSavedOnDisk() throws Exception {
    String base = routeTo("/disk");
    eventually()
        .until(
            () ->
                Files.exists(snapshotFile)
                    && Files.readString(snapshotFile, StandardCharsets.UTF_8)
                        .contains(base.substring(1, base.indexOf("/disk"))));
    Path work = Files.createDirectories(snapshotFile.resolveSibling("proxy-without-postgres"));
    Path copy =
        Files.copy(
            snapshotFile,
            work.resolve("routes.json"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    int deadPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      deadPort = s.getLocalPort();
    }
    // started without waiting for readiness, as the launcher does: this proxy has no store to reach
    PayaraServer.Listeners listeners =
        PayaraServer.Listeners.withStatus(
            new Listener("127.0.0.1", LauncherProcess.freePort()),
            new Listener("127.0.0.1", LauncherProcess.freePort()));
    try (PayaraServer proxy =
        PayaraServer.start(
            ServerRole.PROXY,
            listeners,
            new KeywatchHome(Path.of(System.getProperty(KeywatchHome.PROPERTY))),
            work,
            List.of(HEAP),
            Map.of(),
            Map.of(
                "KEYWATCH_JDBC_URL",
                "jdbc:postgresql://127.0.0.1:" + deadPort + "/postgres",
                "KEYWATCH_PROXY_SNAPSHOT_FILE",
                copy.toString()))) {
      eventually()
          .atMost(Duration.ofMinutes(3))
          .untilAsserted(
              () -> {
                HttpResponse<String> r =
                    kw.send(
                        HttpRequest.newBuilder(proxy.uri().resolve(base + "/x"))
                            .timeout(Duration.ofSeconds(10)));
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("R GET " + base + "/x");
              });
      assertThat(Files.readString(proxy.log())).contains("ROUTE load").contains("from " + copy);
    }
  }
}
