package io.keywatch.admin;

import static io.keywatch.admin.Answers.ok;
import static io.keywatch.admin.Answers.problem;
import static io.keywatch.admin.Answers.revision;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.keywatch.etcd.JetcdSessions;
import io.keywatch.launcher.ServerRole;
import io.keywatch.testing.Keywatch;
import io.keywatch.testing.KeywatchTest;
import io.keywatch.testing.LauncherProcess;
import io.keywatch.testing.ListeningSockets;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.IOException;
import java.net.InetAddress;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the admin side shows to the network: the admin API listens on loopback only (and so does
 * every other port of the admin server and every port of the gateway but its data ports), the
 * gateway's process never holds the admin key, and no route can point the gateway at the admin
 * server (its HTTP port or its etcd gRPC port) or at a link-local address (the cloud metadata
 * service) unless a setting allows it, whether the key comes from the launcher or from the user's
 * environment. Listening addresses are read from the kernel's tables: the tests never connect to an
 * address other than loopback.
 */
@KeywatchTest
class ExposureIT {

  @Test
  void theAdminApiListensOnLoopbackOnly(Keywatch kw) {
    assertThat(ListeningSockets.boundTo(kw.adminUri().getPort()))
        .isNotEmpty()
        .allMatch(InetAddress::isLoopbackAddress);
  }

  // Payara Micro's data grid member listened on port 6900 of every address, under --nocluster too
  @Test
  void theAdminServerListensOnLoopbackOnlyOnEveryPort(Keywatch kw) {
    List<ListeningSockets.Listener> admin =
        ListeningSockets.ofProcess(kw.system().pid(ServerRole.ADMIN));
    assertThat(admin)
        .extracting(ListeningSockets.Listener::port)
        .contains(kw.adminUri().getPort(), kw.etcdPort());
    assertThat(admin)
        .allSatisfy(l -> assertThat(l.address().isLoopbackAddress()).as(l.toString()).isTrue());
  }

  @Test
  void theGatewayListensBeyondLoopbackOnItsDataPortsOnly(Keywatch kw) {
    Set<Integer> dataPorts = Set.of(kw.proxyUri().getPort(), kw.system().proxyHttpsUri().getPort());
    List<ListeningSockets.Listener> gateway =
        ListeningSockets.ofProcess(kw.system().pid(ServerRole.PROXY));
    assertThat(gateway)
        .extracting(ListeningSockets.Listener::port)
        .contains(kw.system().proxyStatusUri().getPort());
    assertThat(gateway)
        .filteredOn(l -> !dataPorts.contains(l.port()))
        .allSatisfy(l -> assertThat(l.address().isLoopbackAddress()).as(l.toString()).isTrue());
  }

  @Test
  void theGatewayProcessIsNotGivenTheAdminKey(Keywatch kw) throws IOException {
    assertThat(processText(kw.system().pid(ServerRole.ADMIN), "environ"))
        .contains(kw.apiKey()); // the probe sees keys
    long gateway = kw.system().pid(ServerRole.PROXY);
    assertThat(processText(gateway, "environ")).doesNotContain(kw.apiKey());
    assertThat(processText(gateway, "cmdline")).doesNotContain(kw.apiKey());
  }

  @Test
  void aKeyGivenToTheLauncherInItsEnvironmentNeverReachesTheGatewayProcess() throws IOException {
    String key = "launcher-key-" + Keywatch.uniqueId("k");
    Path data = LauncherProcess.freshDataDir("exposure-launcher");
    Map<String, String> env = new HashMap<>(Map.of("KEYWATCH_API_KEY", key));
    for (String port :
        List.of(
            "KEYWATCH_ADMIN_PORT",
            "KEYWATCH_PROXY_PORT",
            "KEYWATCH_PROXY_STATUS_PORT",
            "KEYWATCH_POSTGRES_PORT")) {
      env.put(port, Integer.toString(LauncherProcess.freePort()));
    }
    try (LauncherProcess launcher = LauncherProcess.start(data, env)) {
      // each server's JVM has its own temp folder, <data>/run/<role>/tmp
      long admin = server(launcher, data.resolve("run").resolve("admin")).pid();
      long gateway = server(launcher, data.resolve("run").resolve("proxy")).pid();
      assertThat(processText(admin, "environ")).contains(key);
      assertThat(processText(gateway, "environ")).doesNotContain(key);
      assertThat(processText(gateway, "cmdline")).doesNotContain(key);
      assertThat(launcher.output())
          .anyMatch(l -> l.matches("\\s*admin API\\s*:.*listening on 127\\.0\\.0\\.1\\)"));
    }
  }

  private static ProcessHandle server(LauncherProcess launcher, Path dir) {
    return launcher
        .children()
        .filter(
            p ->
                p.info()
                    .commandLine()
                    .orElse("")
                    .contains("-Djava.io.tmpdir=" + dir.resolve("tmp")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no server process with its folder in " + dir));
  }

  static Stream<String> refusedUpstreams(Keywatch kw) {
    int admin = kw.adminUri().getPort();
    return Stream.of(
        "http://127.0.0.1:" + admin,
        "http://localhost:" + admin + "/x",
        "http://[::1]:" + admin,
        "http://0.0.0.0:" + admin,
        "http://127.0.0.2:" + admin,
        "http://127.0.0.1:" + kw.etcdPort(),
        "http://localhost:" + kw.etcdPort() + "/v3/kv/range",
        "http://[::1]:" + kw.etcdPort(),
        "http://169.254.169.254",
        "http://169.254.169.254:80/latest/meta-data",
        "https://169.254.1.1",
        "http://2852039166",
        "http://[::ffff:a9fe:a9fe]",
        "http://[::ffff:169.254.169.254]",
        "http://[fe80::1]:8080",
        "http://[febf::1]",
        "http://99999999999"); // numeric, but no address: the gateway would ask DNS
  }

  @ParameterizedTest
  @MethodSource("refusedUpstreams")
  void aRouteToTheAdminServerOrALinkLocalAddressIsRefusedAndWritesNothing(
      String upstream, Keywatch kw) {
    String id = Keywatch.uniqueId("exposed");
    String route = "{\"uri\": \"/" + id + "\", \"upstream\": \"" + upstream + "\"}";
    long before = revision(ok(kw.adminGet("/routes"), 200));

    JsonObject p = problem(kw.adminPut("/routes/" + id, route), 400);
    assertThat(p.getJsonArray("problems").getValuesAs(JsonString.class))
        .singleElement()
        .satisfies(
            s ->
                assertThat(s.getString())
                    .contains(upstream)
                    .contains("keywatch.routes.allow-private-upstreams"));
    problem(kw.adminPut("/kv/routes/" + id, route), 400);
    problem(
        kw.adminPost(
            "/txn",
            "{\"success\": [{\"put\": {\"key\": \"/routes/"
                + id
                + "\", \"value\": "
                + route
                + "}}]}"),
        400);
    problem(
        kw.send(
            kw.adminRequest("/txn")
                .header("Content-Type", "application/json")
                .POST(
                    BodyPublishers.ofString(
                        "{\"compare\": [{\"key\": \"/none\", \"modRevision\": 1}], \"failure\": [{\"put\": {\"key\": \"/routes/"
                            + id
                            + "\", \"value\": "
                            + route
                            + "}}]}"))),
        400);

    assertThat(revision(ok(kw.adminGet("/routes"), 200))).isEqualTo(before);
    assertThat(kw.adminGet("/routes/" + id).statusCode()).isEqualTo(404);
  }

  /**
   * etcd's API is held to the same rules for the keys the gateway reads: gRPC (a put, and a put in
   * either branch of a txn) and the JSON gateway refuse with INVALID_ARGUMENT and write nothing.
   */
  @ParameterizedTest
  @MethodSource("refusedUpstreams")
  void theEtcdApiRefusesTheSameRoutesAndWritesNothing(String upstream, Keywatch kw)
      throws Exception {
    String id = Keywatch.uniqueId("exposed-etcd");
    ByteSequence key = bytes("/routes/" + id);
    ByteSequence route = bytes("{\"uri\": \"/" + id + "\", \"upstream\": \"" + upstream + "\"}");
    long before = revision(ok(kw.adminGet("/routes"), 200));

    try (Client etcd = etcd(kw)) {
      KV kv = etcd.getKVClient();
      assertRefused(() -> kv.put(key, route).get(), upstream);
      assertRefused(
          () -> kv.txn().Then(Op.put(key, route, PutOption.DEFAULT)).commit().get(), upstream);
      assertRefused(
          () ->
              kv.txn()
                  .If(new Cmp(bytes("/none"), Cmp.Op.EQUAL, CmpTarget.modRevision(1)))
                  .Else(
                      Op.txn(
                          new Cmp[0], new Op[] {Op.put(key, route, PutOption.DEFAULT)}, new Op[0]))
                  .commit()
                  .get(),
          upstream);
    }
    HttpResponse<String> gateway =
        etcdGateway(
            kw,
            "v3/kv/put",
            "{\"key\": \"" + base64(key) + "\", \"value\": \"" + base64(route) + "\"}");
    assertThat(gateway.statusCode()).isEqualTo(400);
    assertThat(gateway.body()).contains("\"code\":3").contains("allow-private-upstreams");

    assertThat(revision(ok(kw.adminGet("/routes"), 200))).isEqualTo(before);
    assertThat(kw.adminGet("/routes/" + id).statusCode()).isEqualTo(404);
  }

  @Test
  void theEtcdApiRefusesADocumentTheGatewayCannotReadAndStoresAGoodOneAsSent(Keywatch kw)
      throws Exception {
    String id = Keywatch.uniqueId("etcd-route");
    String good = "{\"uri\":  \"/" + id + "\", \"upstream\": \"http://127.0.0.1:1\"}";
    try (Client etcd = etcd(kw)) {
      KV kv = etcd.getKVClient();
      assertRefused(() -> kv.put(bytes("/routes/" + id), bytes("not json")).get(), "invalid route");
      assertRefused(
          () -> kv.put(bytes("/upstreams/" + id), bytes("{\"nodes\": 7}")).get(),
          "invalid upstream");
      assertRefused(() -> kv.put(bytes("/routes/bad id"), bytes(good)).get(), "invalid route");

      kv.put(bytes("/routes/" + id), bytes(good)).get();
      assertThat(kv.get(bytes("/routes/" + id)).get().getKvs())
          .singleElement()
          .satisfies(
              k -> assertThat(k.getValue().toString(StandardCharsets.UTF_8)).isEqualTo(good));
      ok(kw.adminGet("/routes/" + id), 200);
      kv.delete(bytes("/routes/" + id)).get();
    }
  }

  private static void assertRefused(ThrowingCallable call, String reason) {
    assertThatThrownBy(call)
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("INVALID_ARGUMENT")
        .hasMessageContaining(reason);
  }

  private static Client etcd(Keywatch kw) {
    return JetcdSessions.connect("127.0.0.1:" + kw.etcdPort(), kw.apiKey());
  }

  /** A call of etcd's JSON gateway with the token root is given for the API key. */
  private static HttpResponse<String> etcdGateway(Keywatch kw, String path, String json) {
    HttpResponse<String> authenticated =
        kw.adminPost(
            "/v3/auth/authenticate", "{\"name\": \"root\", \"password\": \"" + kw.apiKey() + "\"}");
    assertThat(authenticated.statusCode()).as(authenticated.body()).isEqualTo(200);
    String token = Keywatch.json(authenticated).getString("token");
    return kw.send(
        kw.adminRequest("/" + path)
            .header("Authorization", token)
            .POST(BodyPublishers.ofString(json)));
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  private static String base64(ByteSequence b) {
    return Base64.getEncoder().encodeToString(b.getBytes());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.0.0.1:1",
        "http://localhost:1",
        "http://[::1]:1",
        "http://upstream.example"
      })
  void loopbackAndOtherUpstreamsStayAllowed(String upstream, Keywatch kw) {
    String id = Keywatch.uniqueId("allowed");
    ok(
        kw.adminPut(
            "/routes/" + id, "{\"uri\": \"/" + id + "\", \"upstream\": \"" + upstream + "\"}"),
        201);
    ok(kw.adminDelete("/routes/" + id), 200);
  }

  @Test
  void aSettingAllowsPrivateUpstreams() {
    try (Keywatch kw =
        Keywatch.startPrivate(
            "allow-private-upstreams",
            o -> o.env(ServerRole.ADMIN, "KEYWATCH_ROUTES_ALLOW_PRIVATE_UPSTREAMS", "true"))) {
      ok(
          kw.adminPut(
              "/routes/metadata", "{\"uri\": \"/m\", \"upstream\": \"http://169.254.169.254\"}"),
          201);
      ok(
          kw.adminPut(
              "/routes/self",
              "{\"uri\": \"/s\", \"upstream\": \"http://127.0.0.1:"
                  + kw.adminUri().getPort()
                  + "\"}"),
          201);
    }
  }

  /** A process's environment or command line as /proc has it (NUL-separated). */
  private static String processText(long pid, String file) throws IOException {
    return new String(
        Files.readAllBytes(Path.of("/proc", Long.toString(pid), file)),
        StandardCharsets.ISO_8859_1);
  }
}
