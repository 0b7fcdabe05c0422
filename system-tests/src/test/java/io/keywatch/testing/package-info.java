/**
 * The system-test harness: real Keywatch systems, started by the launcher ({@link
 * io.keywatch.launcher.KeywatchSystem}) exactly as {@code ./keywatch} starts them, driven over HTTP
 * with the JDK client.
 *
 * <h2>Writing a system test</h2>
 *
 * <ul>
 *   <li>Name the class {@code *IT} (failsafe runs those in {@code mvn verify}; surefire ignores
 *       them), put it under {@code io.keywatch.<feature>}, annotate it {@link
 *       io.keywatch.testing.KeywatchTest @KeywatchTest} and take a {@link
 *       io.keywatch.testing.Keywatch} parameter in any test or
 *       {@code @BeforeAll}/{@code @BeforeEach} method:
 *       <pre>{@code
 * @KeywatchTest
 * class RoutesApiIT {
 *   @Test
 *   void putThenGet(Keywatch kw) {
 *     String id = Keywatch.uniqueId("foo");
 *     var put = kw.adminPut("/routes/" + id, "{\"uri\":\"/get\",\"upstream\":\"http://localhost:1234\"}");
 *     assertThat(put.statusCode()).isEqualTo(200);
 *     Keywatch.eventually().until(() -> kw.proxyGet("/get").statusCode() != 404);
 *   }
 * }
 * }</pre>
 *   <li>That parameter is the <b>shared</b> system: one per test JVM, started on first use (about a
 *       minute on two cores), stopped by JUnit after the last class. Every IT class shares its
 *       store, so use {@link io.keywatch.testing.Keywatch#uniqueId} for ids and keys, and compare
 *       revisions relative to one you read first, never absolute. Never close it.
 *   <li>The admin helpers ({@code adminGet/Put/Post/Delete}, {@code adminRequest(path)} for
 *       anything else, e.g. SSE with {@code send(request, BodyHandlers.ofLines())}) add {@code
 *       X-API-KEY}; build a request without the key with {@code
 *       HttpRequest.newBuilder(kw.adminUri().resolve(..))}. The proxy side: {@code proxyGet},
 *       {@code proxyRequest(path)}. All use HTTP/1.1.
 *   <li>Wait on conditions with {@link io.keywatch.testing.Keywatch#eventually()} (Awaitility, 30 s
 *       bound), never {@code Thread.sleep}.
 *   <li>Upstreams are real HTTP servers on loopback (e.g. {@code com.sun.net.httpserver.HttpServer}
 *       bound to {@code 127.0.0.1:0}).
 * </ul>
 *
 * <h2>A private system</h2>
 *
 * For tests that stop PostgreSQL, need exact revisions from an empty store, or other settings:
 *
 * <pre>{@code
 * try (Keywatch kw = Keywatch.startPrivate("proxy-outage",
 *     o -> o.env(ServerRole.PROXY, "KEYWATCH_WATCH_HEARTBEAT", "PT1S"))) {
 *   kw.postgres().stop();   // same port and data on start()
 *   ...
 *   kw.postgres().start();
 * }
 * }</pre>
 *
 * It always runs on its own embedded PostgreSQL. Each costs a server start: share one per class
 * ({@code @BeforeAll}/{@code @AfterAll}) where the tests allow. One server alone, e.g. a second
 * gateway or one started while the store is down (it never gets ready), is {@link
 * io.keywatch.launcher.PayaraServer#start}; {@link io.keywatch.testing.LauncherProcess} runs the
 * launcher as a user does ({@code java -jar keywatch-launcher.jar}, settings in the environment).
 *
 * <h2>Where things are</h2>
 *
 * Each system's data and server logs are under {@code
 * system-tests/target/systems/run-<pid>/<name>/} ({@code logs/admin.log}, {@code logs/proxy.log},
 * {@code logs/postgres.log}; {@code kw.log(role)}). {@code KEYWATCH_TEST_JDBC_URL} (+ {@code
 * _USER}, {@code _PASSWORD}) runs the shared system on that database instead of an embedded one.
 * The servers are the WARs and Payara Micro laid out by {@code server-config} in {@code
 * server-config/target/keywatch/}: after changing a WAR, rebuild both in one reactor ({@code mvn -o
 * -q install -DskipTests -pl proxy-war,server-config}), or pass {@code -Dkeywatch.home=<folder>} to
 * {@code mvn verify -pl system-tests}.
 */
package io.keywatch.testing;
