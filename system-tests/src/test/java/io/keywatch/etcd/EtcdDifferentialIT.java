package io.keywatch.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.Client;
import io.grpc.StatusRuntimeException;
import io.keywatch.etcd.etcdserverpb.Compare;
import io.keywatch.etcd.etcdserverpb.DeleteRangeRequest;
import io.keywatch.etcd.etcdserverpb.LeaseGrantRequest;
import io.keywatch.etcd.etcdserverpb.PutRequest;
import io.keywatch.etcd.etcdserverpb.RangeRequest;
import io.keywatch.etcd.etcdserverpb.RangeResponse;
import io.keywatch.etcd.etcdserverpb.RequestOp;
import io.keywatch.etcd.etcdserverpb.TxnRequest;
import io.keywatch.etcd.etcdserverpb.WatchCancelRequest;
import io.keywatch.etcd.etcdserverpb.WatchCreateRequest;
import io.keywatch.etcd.etcdserverpb.WatchProgressRequest;
import io.keywatch.etcd.etcdserverpb.WatchRequest;
import io.keywatch.etcd.etcdserverpb.WatchResponse;
import io.keywatch.etcd.mvccpb.Event;
import io.keywatch.launcher.ServerRole;
import io.keywatch.testing.Keywatch;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The same etcdctl 3.4 sessions against Keywatch's etcd port and against a real etcd 3.4 (auth on,
 * root's password = Keywatch's API key), compared answer by answer after making revisions relative
 * to each store's revision when the session began ({@link RelativeAnswer}). Each session writes
 * under a prefix of its own; compaction comes last because it is global. Where Keywatch answers
 * differently on purpose, a test says so by name.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EtcdDifferentialIT {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\+(\\d+)}");

  /** Commands compared per session, printed at the end (the issue note lists them). */
  private static final Map<String, Integer> COMPARED = new LinkedHashMap<>();

  private static Keywatch kw;
  private static RealEtcd etcd;
  private static Side keywatch;
  private static Side real;

  /**
   * One store as the sessions see it: its etcdctl, its JSON gateway and its revision when the
   * session began.
   */
  static final class Side {
    final String name;
    final String endpoint;
    final String password;
    final URI gateway;
    long base;

    Side(String name, String endpoint, String password, URI gateway) {
      this.name = name;
      this.endpoint = endpoint;
      this.password = password;
      this.gateway = gateway;
    }

    Etcdctl ctl() {
      return new Etcdctl(endpoint, "root:" + password);
    }

    Etcdctl ctlAs(String user) {
      return new Etcdctl(endpoint, user);
    }

    int port() {
      return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }

    EtcdClient client() {
      return new EtcdClient(port(), "root", password);
    }

    Client jetcd() {
      return JetcdSessions.connect(endpoint, password);
    }
  }

  record Answer(int exit, String out, String error) {}

  @BeforeAll
  static void start() {
    // progress_notify every second on both (etcd's default is ten minutes), for the bookmark tests
    kw =
        Keywatch.startPrivate(
            "etcd-differential",
            o -> o.env(ServerRole.ADMIN, "KEYWATCH_ETCD_PROGRESS_INTERVAL", "PT1S"));
    etcd =
        RealEtcd.start(
            "etcd-differential-etcd", "--experimental-watch-progress-notify-interval=1s");
    etcd.enableAuth(kw.apiKey());
    keywatch = new Side("keywatch", "127.0.0.1:" + kw.etcdPort(), kw.apiKey(), kw.adminUri());
    real =
        new Side(
            "etcd", etcd.endpoint(), kw.apiKey(), URI.create("http://" + etcd.endpoint() + "/"));
  }

  @AfterAll
  static void stop() {
    System.out.println(
        "answers compared with etcd 3.4 (etcdctl, gRPC, JSON gateway, jetcd), per session: "
            + COMPARED
            + ", total "
            + COMPARED.values().stream().mapToInt(Integer::intValue).sum());
    if (etcd != null) {
      etcd.close();
    }
    if (kw != null) {
      kw.close();
    }
  }

  // ---- sessions ----

  /**
   * Item 4 of the issue, on the empty stores: a client lists, a write lands, then the client
   * watches. Both empty stores are at revision 1 (a real revision), so watching from the list's
   * header.revision + 1 (APISIX, Kubernetes) and from header.revision itself both see the write.
   */
  @Test
  @Order(0)
  void listThenWatchOnAnEmptyStoreSeesTheWriteFromTheListRevisionAsOnEtcd() {
    Map<String, List<String>> seen = new LinkedHashMap<>();
    for (Side side : List.of(keywatch, real)) {
      try (EtcdClient client = side.client()) {
        long listed =
            client
                .kv()
                .range(
                    RangeRequest.newBuilder()
                        .setKey(bytes("/lw/"))
                        .setRangeEnd(bytes("/lw0"))
                        .build())
                .getHeader()
                .getRevision();
        client
            .kv()
            .put(PutRequest.newBuilder().setKey(bytes("/lw/between")).setValue(bytes("1")).build());
        String afterList = firstEventKey(client, listed + 1, "/lw/after-1");
        String atList = firstEventKey(client, listed, "/lw/after-2");
        seen.put(side.name, List.of(Long.toString(listed), afterList, atList));
      }
    }
    assertThat(seen.get("etcd")).containsExactly("1", "/lw/between", "/lw/between");
    assertThat(seen.get("keywatch")).isEqualTo(seen.get("etcd"));
  }

  /**
   * Opens a watch of /lw/ from a revision, then writes {@code next}; the key of the first event.
   */
  private static String firstEventKey(EtcdClient client, long startRevision, String next) {
    try (EtcdClient.WatchStream watch = client.watch()) {
      watch.send(
          WatchRequest.newBuilder()
              .setCreateRequest(
                  WatchCreateRequest.newBuilder()
                      .setKey(bytes("/lw/"))
                      .setRangeEnd(bytes("/lw0"))
                      .setStartRevision(startRevision))
              .build());
      assertThat(watch.next().getCreated()).isTrue();
      client.kv().put(PutRequest.newBuilder().setKey(bytes(next)).setValue(bytes("1")).build());
      WatchResponse events = watch.next();
      return events.getEvents(0).getKv().getKey().toStringUtf8();
    }
  }

  @Test
  @Order(1)
  void putThenGetAnswerAsEtcd() {
    begin();
    same("put", "/s1/a", "1");
    same("put", "/s1/b", "2");
    same("put", "/s1/c", "3");
    same("put", "/s1/a", "11");
    same("get", "/s1/a", "-w", "json");
    same("get", "/s1/a");
    same("get", "/s1/", "--prefix", "-w", "json");
    same("get", "/s1/missing", "-w", "json");
    same("get", "/s1/a", "/s1/c", "-w", "json");
    same("put", "/s1/b", "22", "--prev-kv", "-w", "json");
    same("put", "/s1/new", "x", "--prev-kv", "-w", "json");
    same("get", "/s1/", "--prefix", "--rev={+2}", "-w", "json");
    same("get", "/s1/a", "--rev={+1}");
    same("get", "/s1/", "--prefix", "--print-value-only");
    same("get", "/s1/", "--prefix", "--consistency=s", "-w", "json");
  }

  @Test
  @Order(2)
  void rangeOptionsAnswerAsEtcd() {
    begin();
    same("put", "/s2/a", "3");
    same("put", "/s2/b", "1");
    same("put", "/s2/c", "2");
    same("put", "/s2/b", "11");
    same("put", "/s2/d", "0");
    same("get", "/s2/", "--prefix", "--limit=2", "-w", "json");
    same("get", "/s2/", "--prefix", "--limit=5", "-w", "json");
    same("get", "/s2/", "--prefix", "--sort-by=MODIFY", "--order=DESCEND", "-w", "json");
    same("get", "/s2/", "--prefix", "--sort-by=VERSION", "-w", "json");
    same("get", "/s2/", "--prefix", "--sort-by=VERSION", "--order=DESCEND", "-w", "json");
    same("get", "/s2/", "--prefix", "--sort-by=CREATE", "--order=ASCEND", "-w", "json");
    same("get", "/s2/", "--prefix", "--sort-by=VALUE", "--order=DESCEND");
    same("get", "/s2/", "--prefix", "--sort-by=KEY", "--order=DESCEND", "--limit=2", "-w", "json");
    same("get", "/s2/", "--prefix", "--count-only", "-w", "json");
    same("get", "/s2/", "--prefix", "--count-only", "--limit=1", "-w", "json");
    same("get", "/s2/", "--prefix", "--keys-only", "-w", "json");
    same("get", "/s2/", "--prefix", "--keys-only", "--limit=3", "--order=DESCEND");
    same("get", "/s2/", "--prefix", "--rev={+3}", "--limit=1", "-w", "json");
  }

  @Test
  @Order(3)
  void fromKeyRangesAnswerAsEtcd() {
    begin();
    // "/~" sorts after every other session's keys, so "from key" sees only this session's
    same("put", "/~a", "1");
    same("put", "/~b", "2");
    same("put", "/~c", "3");
    same("get", "/~b", "--from-key", "-w", "json");
    same("get", "/~", "--from-key", "--keys-only");
    same("get", "/~", "--from-key", "--limit=1", "-w", "json");
    same("get", "a", "--from-key", "-w", "json");
    same("get", "", "--from-key", "--keys-only");
    same("get", "", "--from-key", "--count-only", "-w", "json");
  }

  @Test
  @Order(4)
  void putRefusalsAnswerAsEtcd() {
    begin();
    same("put", "/s4/a", "1", "--lease=1234");
    same("put", "/s4/a", "--ignore-value");
    same("put", "/s4/a", "1");
    same("put", "/s4/a", "--ignore-value", "--prev-kv", "-w", "json");
    same("get", "/s4/a", "-w", "json");
    same("put", "/s4/a", "--ignore-lease", "-w", "json");
    same("get", "");
    same("put", "", "x");
    same("del", "");
  }

  @Test
  @Order(5)
  void deletesAnswerAsEtcd() {
    begin();
    for (String k : List.of("a", "b", "c", "d", "e")) {
      same("put", "/s5/" + k, k);
    }
    same("del", "/s5/a");
    same("del", "/s5/zz");
    same("del", "/s5/a", "--prev-kv", "-w", "json");
    same("del", "/s5/b", "--prev-kv", "-w", "json");
    same("del", "/s5/c", "/s5/e", "--prev-kv");
    same("get", "/s5/", "--prefix", "--keys-only");
    same("del", "/s5/", "--prefix", "--prev-kv");
    same("get", "/s5/", "--prefix", "--count-only");
  }

  /**
   * Known difference: etcd gives all deletes of one DeleteRange one revision; Keywatch gives each
   * deleted key its own, consecutive revision (the store's rule for every multi-key write).
   */
  @Test
  @Order(6)
  void aRangeDeleteTakesOneRevisionPerKeyOnKeywatchButOneOnEtcd() {
    begin();
    for (Side side : List.of(keywatch, real)) {
      side.ctl().require("put", "/s6/a", "1");
      side.ctl().require("put", "/s6/b", "2");
      side.ctl().require("del", "/s6/", "--prefix");
    }
    assertThat(relativeRevision(real)).isEqualTo(3);
    assertThat(relativeRevision(keywatch)).isEqualTo(4);
  }

  @Test
  @Order(7)
  void watchesAnswerAsEtcd() {
    begin();
    same("put", "/s7/a", "1");
    same("put", "/s7/a", "2");
    same("del", "/s7/a");
    same("put", "/s7/b", "1");
    sameWatchEvents(
        4, List.of(), "watch", "/s7/", "--prefix", "--prev-kv", "--rev={+1}", "-w", "json");
    sameWatchEvents(3, List.of(), "watch", "/s7/a", "--rev={+1}", "-w", "json");
    sameWatchEvents(1, List.of(), "watch", "/s7/b", "/s7/c", "--rev={+2}", "-w", "json");
    // a live watch: it starts at the next revision, so it cannot miss the put however late it opens
    sameWatchEvents(
        1, List.of(List.of("put", "/s7/c", "live")), "watch", "/s7/c", "--rev={+5}", "-w", "json");
  }

  @Test
  @Order(8)
  void memberListAndEndpointStatusAnswerAsEtcd() {
    begin();
    // Keywatch has no peers (no raft): peer URLs are empty
    sameExcept(Set.of("peerURLs"), "member", "list", "-w", "json");
    // sizes and raft counters are the servers' own business
    sameExcept(
        Set.of("dbSize", "dbSizeInUse", "raftIndex", "raftAppliedIndex", "raftTerm"),
        "endpoint",
        "status",
        "-w",
        "json");
    same("endpoint", "health");
  }

  @Test
  @Order(9)
  void callsWithoutValidCredentialsAreRefusedAsEtcdRefusesThem() {
    begin();
    for (String user : new String[] {null, "root:wrong", "nobody:" + kw.apiKey()}) {
      sameAs(user, "get", "/s1/a");
      sameAs(user, "put", "/s9/a", "1");
      sameAs(user, "del", "/s1/a");
    }
    sameAs("root:wrong", "compact", "{+0}");
    sameAs(null, "watch", "/s1/a");
    compare(Set.of("peerURLs"), null, false, "member", "list", "-w", "json");
    sameAs(null, "endpoint", "health");
    same("get", "/s9/a", "--count-only", "-w", "json");
  }

  /**
   * Known difference: etcd 3.4 checks no permission on Compact, so it compacts for a client without
   * credentials; Keywatch refuses every KV call without a token, Compact included.
   */
  @Test
  @Order(10)
  void compactWithoutCredentialsIsRefusedByKeywatchThoughEtcd34AllowsIt() {
    begin();
    assertThat(real.ctlAs(null).run("compact", Long.toString(real.base)).out())
        .startsWith("compacted revision");
    Etcdctl.Result refused = keywatch.ctlAs(null).run("compact", Long.toString(keywatch.base));
    assertThat(refused.exit()).isNotZero();
    assertThat(refused.errorLine()).isEqualTo("Error: etcdserver: user name is empty");
  }

  /**
   * etcdctl txn's interactive input: compares, a blank line, success ops, a blank line, failure
   * ops.
   */
  @Test
  @Order(14)
  void txnsAnswerAsEtcd() {
    begin();
    same("put", "/s14/a", "1");
    same("put", "/s14/b", "2");
    sameTxn("value(\"/s14/a\") = \"1\"\n\nput /s14/a 10\nget /s14/b\n\nget /s14/a\n", "-w", "json");
    sameTxn(
        "value(\"/s14/a\") = \"1\"\n\nput /s14/a 10\n\nget /s14/a\ndel /s14/b --prev-kv\n",
        "-w",
        "json");
    sameTxn(
        "mod(\"/s14/a\") > \"{+1}\"\nversion(\"/s14/a\") = \"2\"\n\nput /s14/c 3 --prev-kv\nput /s14/d 4\n\n\n",
        "-w",
        "json");
    sameTxn("create(\"/s14/missing\") = \"0\"\n\nget /s14/ --prefix --keys-only\n\n\n");
    sameTxn(
        "lease(\"/s14/a\") = \"0\"\nvalue(\"/s14/a\") != \"10\"\n\n\nget /s14/a\n\n", "-w", "json");
    sameTxn("\nput /s14/x 1\nput /s14/x 2\n\n\n");
    sameTxn("\ndel /s14/ --prefix\nput /s14/c 1\n\n\n");
    sameTxn("\n" + "put /s14/many 1\n".repeat(129) + "\n\n");
    same("get", "/s14/", "--prefix", "-w", "json");
  }

  /**
   * Kubernetes' storage txns (k8s.io/apiserver etcd3 store): OptimisticPut puts when the object's
   * mod revision is still the one read, else reads it back; OptimisticDelete likewise; a create is
   * guarded by mod revision 0. Sent raw over gRPC and through the JSON gateway in camelCase.
   */
  @Test
  @Order(15)
  void kubernetesStyleAndNestedTxnsAnswerAsEtcd() {
    begin();
    String key = "/s15/registry/pods/default/p";
    sameGrpcTxn(txn(modEquals(key, 0), put(key, "v1"), range(key)));
    sameGrpcTxn(txn(modEquals(key, 0), put(key, "v1"), range(key)));
    sameGrpcTxn(txn(modEquals(key, 1), put(key, "v2"), range(key)));
    sameGrpcTxn(txn(modEquals(key, 2), put(key, "v2"), range(key)));
    sameGrpcTxn(txn(modEquals(key, 1), delete(key), range(key)));
    sameGrpcTxn(txn(modEquals(key, 3), delete(key), range(key)));
    TxnRequest inner = txn(modEquals("/s15/n", 0), put("/s15/n", "inner"), range("/s15/n"));
    // one write in all: etcd gives every write of a txn one revision, Keywatch each its own
    sameGrpcTxn(
        TxnRequest.newBuilder()
            .addSuccess(
                RequestOp.newBuilder()
                    .setRequestRange(
                        RangeRequest.newBuilder()
                            .setKey(bytes("/s15/"))
                            .setRangeEnd(bytes("/s150"))))
            .addSuccess(RequestOp.newBuilder().setRequestTxn(inner))
            .addSuccess(
                RequestOp.newBuilder()
                    .setRequestRange(
                        RangeRequest.newBuilder()
                            .setKey(bytes("/s15/"))
                            .setRangeEnd(bytes("/s150"))))
            .build());
    sameGrpcTxn(
        TxnRequest.newBuilder()
            .addSuccess(
                RequestOp.newBuilder()
                    .setRequestPut(
                        PutRequest.newBuilder().setKey(bytes("/s15/n")).setValue(bytes("x"))))
            .addSuccess(
                RequestOp.newBuilder()
                    .setRequestTxn(
                        TxnRequest.newBuilder()
                            .addSuccess(
                                RequestOp.newBuilder()
                                    .setRequestPut(
                                        PutRequest.newBuilder()
                                            .setKey(bytes("/s15/n"))
                                            .setValue(bytes("y"))))))
            .build());
    // APISIX's shapes: camelCase compares and ops next to snake_case fields
    sameGateway(
        "POST",
        "v3/kv/put",
        "{\"key\":\"" + b64("/s15/o") + "\",\"value\":\"" + b64("1") + "\"}",
        true);
    sameGateway(
        "POST",
        "v3/kv/txn",
        "{\"compare\":[{\"key\":\""
            + b64("/s15/o")
            + "\",\"target\":\"MOD\",\"result\":\"EQUAL\","
            + "\"modRevision\":\"{+5}\"}],\"success\":[{\"requestPut\":{\"key\":\""
            + b64("/s15/o")
            + "\",\"value\":\""
            + b64("2")
            + "\",\"prevKv\":true}}],\"failure\":[{\"request_range\":{\"key\":\""
            + b64("/s15/o")
            + "\"}}]}",
        true);
    sameGateway(
        "POST",
        "v3/kv/txn",
        "{\"compare\":[{\"key\":\""
            + b64("/s15/o")
            + "\",\"target\":\"VALUE\",\"result\":\"NOT_EQUAL\","
            + "\"value\":\""
            + b64("2")
            + "\"}],\"success\":[{\"request_delete_range\":{\"key\":\""
            + b64("/s15/o")
            + "\"}}],"
            + "\"failure\":[{\"requestDeleteRange\":{\"key\":\""
            + b64("/s15/o")
            + "\",\"rangeEnd\":\""
            + b64("/s15/p")
            + "\",\"prevKv\":true}}]}",
        true);
    sameGateway(
        "POST",
        "v3/kv/txn",
        "{\"success\":[{\"requestPut\":{\"key\":\""
            + b64("/s15/d")
            + "\"}},"
            + "{\"requestPut\":{\"key\":\""
            + b64("/s15/d")
            + "\"}}]}",
        true);
  }

  /**
   * etcd's leases: etcdctl's lease commands on leases granted with the same ids on both sides (etcd
   * picks random ids otherwise), the JSON gateway's lease paths and their /v3/kv/lease aliases, and
   * expiry: a key on a 2 s lease (etcd's minimum TTL, the store's too) disappears, and a watch sees
   * its delete. The TTL left is not compared where a second may pass between the two sides.
   */
  @Test
  @Order(16)
  void leasesAnswerAsEtcd() {
    begin();
    grantOnBoth(0x5a1, 60);
    same("lease", "list");
    sameGateway("POST", "v3/lease/leases", "{}", true);
    sameGateway("POST", "v3/kv/lease/leases", "{}", true);
    sameExcept(Set.of("ID"), "lease", "grant", "5", "-w", "json");
    same("put", "/s16/a", "1", "--lease=5a1");
    same("put", "/s16/b", "2", "--lease=5a1", "-w", "json");
    same("get", "/s16/", "--prefix", "-w", "json");
    sameExcept(Set.of("ttl"), "lease", "timetolive", "5a1", "--keys", "-w", "json");
    // a put without --lease detaches the key, so that the revoke deletes one key (one revision on
    // both)
    same("put", "/s16/b", "22", "-w", "json");
    same("lease", "timetolive", "5a2");
    same("lease", "timetolive", "5a2", "-w", "json");
    same("lease", "keep-alive", "--once", "5a1", "-w", "json");
    same("lease", "keep-alive", "--once", "5a2");
    same("put", "/s16/c", "3", "--lease=5a2");
    same("put", "/s16/a", "--ignore-lease", "-w", "json");
    same("lease", "revoke", "5a1", "-w", "json");
    same("lease", "revoke", "5a1");
    same("get", "/s16/", "--prefix", "-w", "json");
    grantOnBoth(0x5a3, 30);
    sameGateway("POST", "v3/lease/timetolive", "{\"ID\":\"" + 0x5a3 + "\",\"keys\":true}", true);
    sameGateway("POST", "v3/kv/lease/timetolive", "{\"ID\":\"" + 0x5a4 + "\"}", true);
    sameGateway("POST", "v3/lease/keepalive", "{\"ID\":\"" + 0x5a3 + "\"}", true);
    sameGateway("POST", "v3/lease/grant", "{\"ID\":\"" + 0x5a3 + "\",\"TTL\":\"10\"}", true);
    sameGateway("POST", "v3/lease/revoke", "{\"ID\":\"" + 0x5a3 + "\"}", true);
    sameGateway("POST", "v3/kv/lease/revoke", "{\"ID\":\"" + 0x5a3 + "\"}", true);
    sameGateway("POST", "v3/lease/grant", "{\"ID\":\"" + 0x5a5 + "\",\"TTL\":\"1\"}", true);
    sameGateway("POST", "v3/kv/lease/revoke", "{\"ID\":\"" + 0x5a5 + "\"}", true);
    // watched from the put's revision: the put and then the expiry's delete, however fast it
    // expires
    long put = relativeRevision(real) + 1;
    assertThat(relativeRevision(keywatch) + 1).isEqualTo(put);
    grantOnBoth(0x5a6, 2);
    same("put", "/s16/exp", "v", "--lease=5a6");
    sameWatchEvents(2, List.of(), "watch", "/s16/exp", "--rev={+" + put + "}", "-w", "json");
    same("get", "/s16/exp", "-w", "json");
    same("lease", "timetolive", "5a6");
  }

  /**
   * APISIX's config center calls, in lua-resty-etcd v3's shapes: values are JSON then base64,
   * numbers are JSON numbers; init_dir puts a key ending in "/"; readdir is a range to the key with
   * its last byte plus one; watchdir watches from the readdir's revision + 1; setnx is a txn in
   * camelCase; leases is a POST without a body.
   */
  @Test
  @Order(17)
  void apisixConfigCenterCallsAnswerAsEtcd() {
    begin();
    sameGateway(
        "POST",
        "v3/kv/put",
        "{\"key\":\"" + b64("/apisix/routes/") + "\",\"value\":\"" + b64("\"init_dir\"") + "\"}",
        true);
    sameGateway(
        "POST",
        "v3/kv/put",
        "{\"key\":\""
            + b64("/apisix/routes/1")
            + "\",\"value\":\""
            + b64("{\"uri\":\"/a\"}")
            + "\",\"prev_kv\":true}",
        true);
    sameGateway(
        "POST",
        "v3/kv/range",
        "{\"key\":\""
            + b64("/apisix/routes")
            + "\",\"range_end\":\""
            + b64("/apisix/routet")
            + "\"}",
        true);
    sameGateway(
        "POST",
        "v3/kv/range",
        "{\"key\":\""
            + b64("/apisix/routes/")
            + "\",\"range_end\":\""
            + b64("/apisix/routes0")
            + "\",\"revision\":{+1},\"keys_only\":true}",
        true);
    sameGateway("POST", "v3/kv/range", "{\"key\":\"" + b64("/apisix/routes/") + "\"}", true);
    sameGatewayWatch(
        3,
        List.of(List.of("put", "/apisix/routes/2", "{}"), List.of("del", "/apisix/routes/1")),
        "{\"create_request\":{\"key\":\""
            + b64("/apisix")
            + "\",\"range_end\":\""
            + b64("/apisiy")
            + "\",\"start_revision\":{+3}}}");
    sameGateway(
        "POST",
        "v3/kv/txn",
        "{\"compare\":[{\"target\":\"CREATE\",\"key\":\""
            + b64("/apisix/routes/3")
            + "\",\"createRevision\":0}],\"success\":[{\"requestPut\":{\"key\":\""
            + b64("/apisix/routes/3")
            + "\",\"value\":\""
            + b64("{}")
            + "\"}}]}",
        true);
    sameGateway(
        "POST",
        "v3/kv/txn",
        "{\"compare\":[{\"target\":\"CREATE\",\"key\":\""
            + b64("/apisix/routes/3")
            + "\",\"createRevision\":0}],\"success\":[{\"requestPut\":{\"key\":\""
            + b64("/apisix/routes/3")
            + "\",\"value\":\""
            + b64("{}")
            + "\"}}]}",
        true);
    sameGateway("POST", "v3/lease/grant", "{\"TTL\":60,\"ID\":" + 0x5b1 + "}", true);
    sameGateway("POST", "v3/lease/leases", null, true);
    sameGateway("POST", "v3/kv/lease/timetolive", "{\"ID\":" + 0x5b1 + ",\"keys\":false}", true);
    sameGateway("POST", "v3/kv/lease/revoke", "{\"ID\":" + 0x5b1 + "}", true);
    // a range that holds one key: etcd gives the deletes of a range one revision, Keywatch each its
    // own
    sameGateway(
        "POST",
        "v3/kv/deleterange",
        "{\"key\":\""
            + b64("/apisix/routes/3")
            + "\",\"range_end\":\""
            + b64("/apisix/routes/4")
            + "\",\"prev_kv\":true}",
        true);
  }

  private static void grantOnBoth(long id, long ttl) {
    for (Side side : List.of(keywatch, real)) {
      try (EtcdClient client = side.client()) {
        client.lease().leaseGrant(LeaseGrantRequest.newBuilder().setID(id).setTTL(ttl).build());
      }
    }
  }

  private static TxnRequest txn(Compare compare, RequestOp success, RequestOp failure) {
    return TxnRequest.newBuilder()
        .addCompare(compare)
        .addSuccess(success)
        .addFailure(failure)
        .build();
  }

  private static Compare modEquals(String key, long relative) {
    return Compare.newBuilder()
        .setKey(bytes(key))
        .setTarget(Compare.CompareTarget.MOD)
        .setResult(Compare.CompareResult.EQUAL)
        .setModRevision(relative)
        .build();
  }

  private static RequestOp put(String key, String value) {
    return RequestOp.newBuilder()
        .setRequestPut(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)))
        .build();
  }

  private static RequestOp range(String key) {
    return RequestOp.newBuilder()
        .setRequestRange(RangeRequest.newBuilder().setKey(bytes(key)))
        .build();
  }

  private static RequestOp delete(String key) {
    return RequestOp.newBuilder()
        .setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(bytes(key)))
        .build();
  }

  /**
   * An etcdctl txn with its interactive input on each side ({+n} placeholders resolved per side).
   */
  private static void sameTxn(String input, String... args) {
    List<Answer> answers = new ArrayList<>();
    for (Side side : List.of(real, keywatch)) {
      Etcdctl.Result r =
          side.ctl().runWithInput(resolve(side, input)[0], concat("txn", resolve(side, args)));
      answers.add(
          new Answer(
              r.exit(),
              RelativeAnswer.of(r.out(), side.base, side.endpoint),
              RelativeAnswer.of(r.errorLine(), side.base, side.endpoint)));
    }
    assertThat(answers.get(1)).as("etcdctl txn <<< %s", input).isEqualTo(answers.get(0));
    COMPARED.merge(session(), 1, Integer::sum);
  }

  private static String[] concat(String first, String... rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  /**
   * A Txn over raw gRPC on each side; a mod revision compare other than 0 is relative to the
   * session's base; the answers (or status and message) compared as JSON with relative revisions.
   */
  private static void sameGrpcTxn(TxnRequest request) {
    List<String> answers = new ArrayList<>();
    for (Side side : List.of(real, keywatch)) {
      TxnRequest.Builder b = request.toBuilder();
      for (Compare.Builder c : b.getCompareBuilderList()) {
        if (c.getModRevision() != 0) {
          c.setModRevision(side.base + c.getModRevision());
        }
      }
      try (EtcdClient client = side.client()) {
        try {
          answers.add(grpcJson(client.kv().txn(b.build()), side));
        } catch (StatusRuntimeException e) {
          answers.add(
              RelativeAnswer.of(
                  e.getStatus().getCode() + " " + e.getStatus().getDescription(),
                  side.base,
                  side.endpoint));
        }
      }
    }
    assertThat(answers.get(1)).as("Txn %s", request).isEqualTo(answers.get(0));
    COMPARED.merge(session(), 1, Integer::sum);
  }

  /** A jetcd session on each side, compared answer by answer (see {@link JetcdSessions}). */
  private static void sameJetcd(JetcdSession session) throws InterruptedException {
    Map<String, List<String>> answers = new LinkedHashMap<>();
    for (Side side : List.of(keywatch, real)) {
      try (Client client = side.jetcd()) {
        answers.put(side.name, session.run(client, side.base));
      }
    }
    assertThat(answers.get("keywatch")).isEqualTo(answers.get("etcd"));
    COMPARED.merge(session(), answers.get("etcd").size(), Integer::sum);
  }

  interface JetcdSession {
    List<String> run(Client client, long base) throws InterruptedException;
  }

  @Test
  @Order(21)
  void jetcdKvCallsAnswerAsEtcd() throws InterruptedException {
    begin();
    sameJetcd(JetcdSessions::kv);
  }

  @Test
  @Order(22)
  void jetcdWatchesWithPrevKvAndProgressAnswerAsEtcd() throws InterruptedException {
    begin();
    sameJetcd(JetcdSessions::watch);
  }

  @Test
  @Order(23)
  void jetcdLeaseKeepAliveAndExpiryAnswerAsEtcd() throws InterruptedException {
    begin();
    sameJetcd(JetcdSessions::lease);
  }

  /**
   * Kubernetes' storage calls (k8s.io/apiserver's etcd3 store, etcd's client/v3/kubernetes): a
   * create guarded by mod revision 0 (one on a lease, as events are stored), a paged list (limit,
   * then from the last key + "\0" at the first page's revision, so that a write between pages is
   * not seen), count_only, the watch from the list's revision with prev_kv, OptimisticPut and
   * OptimisticDelete with and without the read on failure, a progress request as a bookmark, and
   * the periodic notification of a watch with progress_notify (every second on both here).
   */
  @Test
  @Order(24)
  void kubernetesListsWatchesAndBookmarksAnswerAsEtcd() {
    begin();
    String prefix = "/s24/registry/pods/ns/";
    ByteString end = bytes("/s24/registry/pods/ns0");
    grantOnBoth(0x5c1, 60);
    Map<String, List<String>> answers = new LinkedHashMap<>();
    for (Side side : List.of(keywatch, real)) {
      List<String> got = new ArrayList<>();
      try (EtcdClient client = side.client();
          EtcdClient.WatchStream watch = client.watch()) {
        for (String p : List.of("p1", "p2", "p3", "p4", "p5")) {
          got.add(grpcJson(client.kv().txn(create(prefix + p, 0)), side));
        }
        got.add(grpcJson(client.kv().txn(create("/s24/registry/events/ns/e1", 0x5c1)), side));
        RangeRequest.Builder list =
            RangeRequest.newBuilder().setKey(bytes(prefix)).setRangeEnd(end).setLimit(2);
        RangeResponse page = client.kv().range(list.build());
        got.add(grpcJson(page, side));
        long listed = page.getHeader().getRevision();
        client.kv().put(PutRequest.newBuilder().setKey(bytes(prefix + "p6")).build());
        while (page.getMore()) {
          ByteString last = page.getKvs(page.getKvsCount() - 1).getKey();
          page =
              client.kv().range(list.setKey(last.concat(bytes("\0"))).setRevision(listed).build());
          got.add(grpcJson(page, side));
        }
        RangeRequest count =
            RangeRequest.newBuilder()
                .setKey(bytes(prefix))
                .setRangeEnd(end)
                .setCountOnly(true)
                .build();
        got.add(grpcJson(client.kv().range(count), side));
        got.add(grpcJson(client.kv().range(count.toBuilder().setRevision(listed).build()), side));

        watch.send(create(0, prefix, "/s24/registry/pods/ns0", listed + 1, true));
        got.add(describe(watch.next(), side.base));
        got.add(describe(watch.next(), side.base));
        // OptimisticPut at the mod revision read, then again at it (now stale): read on failure
        long p1 = side.base + 1;
        got.add(
            grpcJson(
                client.kv().txn(optimistic(prefix + "p1", p1, put(prefix + "p1", "v2"))), side));
        got.add(describe(watch.next(), side.base));
        got.add(
            grpcJson(
                client.kv().txn(optimistic(prefix + "p1", p1, put(prefix + "p1", "v3"))), side));
        // OptimisticDelete at a stale revision without the read, then at the current one
        TxnRequest staleDelete = optimistic(prefix + "p2", p1, delete(prefix + "p2"));
        got.add(grpcJson(client.kv().txn(staleDelete.toBuilder().clearFailure().build()), side));
        got.add(
            grpcJson(
                client.kv().txn(optimistic(prefix + "p2", side.base + 2, delete(prefix + "p2"))),
                side));
        got.add(describe(watch.next(), side.base));
        watch.send(
            WatchRequest.newBuilder()
                .setProgressRequest(WatchProgressRequest.getDefaultInstance())
                .build());
        got.add(bookmark(watch.next(), side.base));
        watch.send(
            WatchRequest.newBuilder()
                .setCreateRequest(
                    WatchCreateRequest.newBuilder()
                        .setKey(bytes(prefix))
                        .setRangeEnd(end)
                        .setPrevKv(true)
                        .setProgressNotify(true))
                .build());
        got.add(describe(watch.next(), side.base));
        got.add(bookmark(watch.next(), side.base));
      }
      answers.put(side.name, got);
    }
    assertThat(answers.get("keywatch")).isEqualTo(answers.get("etcd"));
    COMPARED.merge(session(), answers.get("etcd").size(), Integer::sum);
  }

  /** Kubernetes' create: put unless the key exists (mod revision 0), optionally on a lease. */
  private static TxnRequest create(String key, long lease) {
    return TxnRequest.newBuilder()
        .addCompare(modEquals(key, 0))
        .addSuccess(
            RequestOp.newBuilder()
                .setRequestPut(
                    PutRequest.newBuilder()
                        .setKey(bytes(key))
                        .setValue(bytes("{}"))
                        .setLease(lease)))
        .build();
  }

  /**
   * Kubernetes' OptimisticPut and OptimisticDelete: the write if the key's mod revision is still
   * the one read, else the key read back.
   */
  private static TxnRequest optimistic(String key, long modRevision, RequestOp write) {
    return txn(modEquals(key, modRevision), write, range(key));
  }

  /** A response without events: its header revision is what a bookmark carries. */
  private static String bookmark(WatchResponse r, long base) {
    return describe(r, base) + " progress @+" + (r.getHeader().getRevision() - base);
  }

  /** A gRPC answer as JSON with relative revisions. */
  private static String grpcJson(com.google.protobuf.MessageOrBuilder answer, Side side) {
    try {
      return RelativeAnswer.of(
          com.google.protobuf.util.JsonFormat.printer()
              .preservingProtoFieldNames()
              .omittingInsignificantWhitespace()
              .print(answer),
          side.base,
          side.endpoint);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  @Order(30)
  void compactionAnswersAsEtcd() {
    begin();
    same("put", "/s20/a", "1");
    same("put", "/s20/a", "2");
    same("put", "/s20/a", "3");
    same("compact", "{+2}");
    same("get", "/s20/a", "--rev={+1}");
    same("get", "/s20/a", "--rev={+2}", "-w", "json");
    same("compact", "{+2}");
    same("compact", "{+1}");
    same("compact", "{+1000}");
    same("get", "/s20/a", "--rev={+1000}");
    same("watch", "/s20/a", "--rev={+1}", "-w", "json");
    same("watch", "/s20/a", "--rev={+1}");
    sameGatewayWatch(
        2,
        List.of(),
        "{\"create_request\":{\"key\":\"" + b64("/s20/a") + "\",\"start_revision\":\"{+1}\"}}");
    // APISIX's watchdir from a revision compaction removed (lua-resty-etcd sends it as a number)
    sameGatewayWatch(
        2,
        List.of(),
        "{\"create_request\":{\"key\":\""
            + b64("/s20/")
            + "\",\"range_end\":\""
            + b64("/s200")
            + "\",\"start_revision\":{+1}}}");
  }

  /**
   * etcd's HTTP/JSON gateway: Keywatch's on the admin port against etcd 3.4's on its client port,
   * in the shapes APISIX sends (base64 keys, snake_case and camelCase, the token in Authorization).
   */
  @Test
  @Order(13)
  void jsonGatewayAnswersAsEtcd() {
    begin();
    sameGateway("GET", "version", null, true);
    sameGateway(
        "POST",
        "v3/kv/put",
        "{\"key\":\"" + b64("/s13/a") + "\",\"value\":\"" + b64("1") + "\"}",
        true);
    sameGateway(
        "POST",
        "v3/kv/put",
        "{\"key\":\"" + b64("/s13/b") + "\",\"value\":\"" + b64("2") + "\"}",
        true);
    sameGateway(
        "POST",
        "v3/kv/put",
        "{\"key\":\"" + b64("/s13/a") + "\",\"value\":\"" + b64("3") + "\",\"prevKv\":true}",
        true);
    sameGateway(
        "POST",
        "v3/kv/range",
        "{\"key\":\"" + b64("/s13/") + "\",\"range_end\":\"" + b64("/s130") + "\"}",
        true);
    sameGateway(
        "POST",
        "v3/kv/range",
        "{\"key\":\"" + b64("/s13/") + "\",\"rangeEnd\":\"" + b64("/s130") + "\",\"limit\":1}",
        true);
    sameGateway(
        "POST", "v3/kv/range", "{\"key\":\"" + b64("/s13/a") + "\",\"revision\":\"{+1}\"}", true);
    sameGateway(
        "POST",
        "v3/kv/range",
        "{\"key\":\""
            + b64("/s13/")
            + "\",\"range_end\":\""
            + b64("/s130")
            + "\",\"count_only\":true}",
        true);
    sameGateway("POST", "v3/kv/range", "{\"key\":\"\"}", true);
    sameGateway(
        "POST",
        "v3/kv/range",
        "{\"key\":\"" + b64("/s13/a") + "\",\"revision\":\"{+1000}\"}",
        true);
    sameGateway("POST", "v3/kv/range", "{\"key\":\"" + b64("/s13/a") + "\"}", false);
    sameGatewayWatch(
        4,
        List.of(),
        "{\"create_request\":{\"key\":\""
            + b64("/s13/")
            + "\",\"range_end\":\""
            + b64("/s130")
            + "\",\"start_revision\":\"{+1}\",\"prev_kv\":true}}");
    sameGateway(
        "POST", "v3/kv/deleterange", "{\"key\":\"" + b64("/s13/a") + "\",\"prev_kv\":true}", true);
    sameGateway(
        "POST",
        "v3/kv/put",
        "{\"key\":\"" + b64("/s13/a") + "\",\"value\":\"" + b64("1") + "\",\"lease\":\"5\"}",
        true);
    sameGateway("POST", "v3/nothing/here", "{}", true);
    sameGatewayRefusal("{\"key\":");
    sameGatewayRefusal("{\"key\":12}");
    sameGatewayWatchWithoutToken("{\"create_request\":{\"key\":\"" + b64("/s13/a") + "\"}}");
  }

  /**
   * Malformed JSON: the same HTTP status and gRPC code (the words are Go's JSON parser's, not
   * etcd's).
   */
  private static void sameGatewayRefusal(String body) {
    List<String> answers = new ArrayList<>();
    for (Side side : List.of(real, keywatch)) {
      HttpResponse<String> r = kw.send(gatewayRequest(side, "POST", "v3/kv/range", body, true));
      try (var reader = Json.createReader(new StringReader(r.body()))) {
        answers.add(r.statusCode() + " code " + reader.readObject().getInt("code", 0));
      }
    }
    assertThat(answers.get(1)).as("POST /v3/kv/range %s", body).isEqualTo(answers.get(0));
    COMPARED.merge(session(), 1, Integer::sum);
  }

  /**
   * A watch without a token opens, and its watch is created and canceled with "permission denied".
   */
  private static void sameGatewayWatchWithoutToken(String body) {
    List<String> answers = new ArrayList<>();
    for (Side side : List.of(real, keywatch)) {
      HttpResponse<InputStream> r =
          kw.send(
              gatewayRequest(side, "POST", "v3/watch", body, false).build(),
              HttpResponse.BodyHandlers.ofInputStream());
      try (BufferedReader lines =
          new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        answers.add(
            r.statusCode() + " " + RelativeAnswer.of(lines.readLine(), side.base, side.endpoint));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    assertThat(answers.get(1))
        .as("POST /v3/watch without a token %s", body)
        .isEqualTo(answers.get(0));
    COMPARED.merge(session(), 1, Integer::sum);
  }

  /**
   * What etcdctl cannot ask, through the generated stubs: client watch ids, a duplicate id,
   * filters, a range_end, prev_kv, cancel and a progress request, compared response by response.
   */
  @Test
  @Order(11)
  void watchStreamFeaturesAnswerAsEtcd() {
    begin();
    Map<String, List<String>> answers = new LinkedHashMap<>();
    for (Side side : List.of(keywatch, real)) {
      List<String> got = new ArrayList<>();
      try (EtcdClient client = side.client();
          EtcdClient.WatchStream watch = client.watch()) {
        for (String k : List.of("a", "b", "c")) {
          client
              .kv()
              .put(PutRequest.newBuilder().setKey(bytes("/s11/" + k)).setValue(bytes(k)).build());
        }
        client.kv().deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("/s11/a")).build());
        watch.send(
            create(
                7, "/s11/a", "/s11/c", side.base + 1, true, WatchCreateRequest.FilterType.NOPUT));
        got.add(describe(watch.next(), side.base));
        got.add(describe(watch.next(), side.base));
        watch.send(create(7, "/s11/b", "", side.base + 1, false));
        got.add(describe(watch.next(), side.base));
        watch.send(
            create(0, "/s11/b", "", side.base + 1, false, WatchCreateRequest.FilterType.NODELETE));
        got.add(describe(watch.next(), side.base));
        got.add(describe(watch.next(), side.base));
        watch.send(
            WatchRequest.newBuilder()
                .setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(7))
                .build());
        got.add(describe(watch.next(), side.base));
        watch.send(
            WatchRequest.newBuilder()
                .setProgressRequest(WatchProgressRequest.getDefaultInstance())
                .build());
        got.add(describe(watch.next(), side.base));
      }
      answers.put(side.name, got);
    }
    assertThat(answers.get("keywatch")).isEqualTo(answers.get("etcd"));
    COMPARED.merge(session(), answers.get("etcd").size(), Integer::sum);
  }

  /** Range's revision filters (etcdctl has no flags for them) and a token etcd never issued. */
  @Test
  @Order(12)
  void revisionFiltersAndBogusTokensAnswerAsEtcd() {
    begin();
    Map<String, List<String>> answers = new LinkedHashMap<>();
    for (Side side : List.of(keywatch, real)) {
      List<String> got = new ArrayList<>();
      try (EtcdClient client = side.client();
          EtcdClient bogus = EtcdClient.withToken(side.port(), "bogus.1")) {
        for (String k : List.of("a", "b", "c", "a")) {
          client
              .kv()
              .put(PutRequest.newBuilder().setKey(bytes("/s12/" + k)).setValue(bytes(k)).build());
        }
        RangeRequest all =
            RangeRequest.newBuilder().setKey(bytes("/s12/")).setRangeEnd(bytes("/s120")).build();
        got.add(keys(client.kv().range(all.toBuilder().setMinModRevision(side.base + 2).build())));
        got.add(keys(client.kv().range(all.toBuilder().setMaxModRevision(side.base + 3).build())));
        got.add(
            keys(client.kv().range(all.toBuilder().setMinCreateRevision(side.base + 2).build())));
        got.add(
            keys(
                client
                    .kv()
                    .range(
                        all.toBuilder().setMaxCreateRevision(side.base + 1).setLimit(1).build())));
        try {
          bogus.kv().range(all);
          got.add("accepted");
        } catch (StatusRuntimeException e) {
          got.add(e.getStatus().getCode() + " " + e.getStatus().getDescription());
        }
      }
      answers.put(side.name, got);
    }
    assertThat(answers.get("keywatch")).isEqualTo(answers.get("etcd"));
    COMPARED.merge(session(), answers.get("etcd").size(), Integer::sum);
  }

  private static String keys(RangeResponse r) {
    return r.getKvsList().stream().map(kv -> kv.getKey().toStringUtf8()).toList()
        + " count "
        + r.getCount()
        + " more "
        + r.getMore();
  }

  private static WatchRequest create(
      long id,
      String key,
      String rangeEnd,
      long start,
      boolean prevKv,
      WatchCreateRequest.FilterType... filters) {
    return WatchRequest.newBuilder()
        .setCreateRequest(
            WatchCreateRequest.newBuilder()
                .setWatchId(id)
                .setKey(bytes(key))
                .setRangeEnd(bytes(rangeEnd))
                .setStartRevision(start)
                .setPrevKv(prevKv)
                .addAllFilters(List.of(filters)))
        .build();
  }

  /** A watch response with revisions relative to the session's start. */
  private static String describe(WatchResponse r, long base) {
    StringBuilder b = new StringBuilder("id " + r.getWatchId());
    if (r.getCreated()) {
      b.append(" created");
    }
    if (r.getCanceled()) {
      b.append(" canceled '").append(r.getCancelReason()).append("'");
    }
    if (r.getCompactRevision() != 0) {
      b.append(" compact +").append(r.getCompactRevision() - base);
    }
    for (Event e : r.getEventsList()) {
      b.append(" ")
          .append(e.getType())
          .append(' ')
          .append(e.getKv().getKey().toStringUtf8())
          .append('@')
          .append(e.getKv().getModRevision() - base)
          .append('=')
          .append(e.getKv().getValue().toStringUtf8());
      if (e.hasPrevKv()) {
        b.append(" prev ")
            .append(e.getPrevKv().getValue().toStringUtf8())
            .append('@')
            .append(e.getPrevKv().getModRevision() - base);
      }
    }
    return b.toString();
  }

  private static ByteString bytes(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String gatewayToken(Side side) {
    HttpResponse<String> r =
        kw.send(
            HttpRequest.newBuilder(side.gateway.resolve("v3/auth/authenticate"))
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"root\",\"password\":\"" + side.password + "\"}")));
    try (var reader = Json.createReader(new StringReader(r.body()))) {
      return reader.readObject().getString("token");
    }
  }

  private static HttpRequest.Builder gatewayRequest(
      Side side, String method, String path, String body, boolean withToken) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(side.gateway.resolve(path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(resolve(side, body)[0]));
    if (withToken) {
      b.header("Authorization", gatewayToken(side));
    }
    return b;
  }

  /** A gateway call on each side; status and body compared after making revisions relative. */
  private static void sameGateway(String method, String path, String body, boolean withToken) {
    List<String> answers = new ArrayList<>();
    for (Side side : List.of(real, keywatch)) {
      HttpResponse<String> r = kw.send(gatewayRequest(side, method, path, body, withToken));
      answers.add(r.statusCode() + " " + RelativeAnswer.of(r.body(), side.base, side.endpoint));
    }
    assertThat(answers.get(1)).as("%s /%s %s", method, path, body).isEqualTo(answers.get(0));
    COMPARED.merge(session(), 1, Integer::sum);
  }

  /**
   * A gateway watch on each side: the first line (created) and then the events, not how the events
   * were grouped into lines; a canceled line counts as the end.
   */
  private static void sameGatewayWatch(int lines, List<List<String>> writes, String body) {
    List<List<String>> answers = new ArrayList<>();
    for (Side side : List.of(real, keywatch)) {
      answers.add(gatewayWatch(side, lines, writes, body));
    }
    assertThat(answers.get(1)).as("POST /v3/watch %s", body).isEqualTo(answers.get(0));
    COMPARED.merge(session(), 1, Integer::sum);
  }

  private static List<String> gatewayWatch(
      Side side, int count, List<List<String>> writes, String body) {
    List<String> got = new CopyOnWriteArrayList<>();
    HttpResponse<InputStream> r =
        kw.send(
            gatewayRequest(side, "POST", "v3/watch", body, true).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader lines =
                    new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                  for (String line; (line = lines.readLine()) != null; ) {
                    JsonObject result =
                        Json.createReader(new StringReader(line))
                            .readObject()
                            .getJsonObject("result");
                    if (result.containsKey("events")) {
                      result
                          .getJsonArray("events")
                          .forEach(
                              e ->
                                  got.add(
                                      RelativeAnswer.of(e.toString(), side.base, side.endpoint)));
                    } else {
                      got.add(RelativeAnswer.of(result.toString(), side.base, side.endpoint));
                    }
                  }
                } catch (IOException e) {
                  // closed by the test
                }
              });
      reader.start();
      for (List<String> write : writes) {
        side.ctl().require(write.toArray(String[]::new));
      }
      Keywatch.eventually().until(() -> got.size() >= count);
      return new ArrayList<>(got.subList(0, count));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- plumbing ----

  private static void begin() {
    for (Side side : List.of(keywatch, real)) {
      side.base = headerRevision(side);
    }
  }

  private static long headerRevision(Side side) {
    String out = side.ctl().require("get", "/", "-w", "json").out();
    try (var reader = Json.createReader(new StringReader(out))) {
      var revision = reader.readObject().getJsonObject("header").getJsonNumber("revision");
      return revision == null ? 0 : revision.longValue();
    }
  }

  private static long relativeRevision(Side side) {
    return headerRevision(side) - side.base;
  }

  private static void same(String... args) {
    compare(Set.of(), null, true, args);
  }

  private static void sameExcept(Set<String> ignored, String... args) {
    compare(ignored, null, true, args);
  }

  private static void sameAs(String user, String... args) {
    compare(Set.of(), user, false, args);
  }

  private static void compare(Set<String> ignored, String user, boolean asRoot, String... args) {
    Answer expected = run(real, ignored, user, asRoot, args);
    Answer actual = run(keywatch, ignored, user, asRoot, args);
    assertThat(actual)
        .as("etcdctl %s%s", user == null ? "" : "--user " + user + " ", String.join(" ", args))
        .isEqualTo(expected);
    COMPARED.merge(session(), 1, Integer::sum);
  }

  private static Answer run(
      Side side, Set<String> ignored, String user, boolean asRoot, String... args) {
    Etcdctl ctl = asRoot ? side.ctl() : side.ctlAs(user);
    Etcdctl.Result r = ctl.run(resolve(side, args));
    return new Answer(
        r.exit(),
        RelativeAnswer.of(r.out(), side.base, side.endpoint, ignored),
        RelativeAnswer.of(r.errorLine(), side.base, side.endpoint));
  }

  private static String[] resolve(Side side, String... args) {
    String[] resolved = new String[args.length];
    for (int i = 0; i < args.length; i++) {
      Matcher m = PLACEHOLDER.matcher(args[i]);
      resolved[i] = m.replaceAll(r -> Long.toString(side.base + Long.parseLong(r.group(1))));
    }
    return resolved;
  }

  /**
   * Runs {@code etcdctl watch} in a process on each side, then the given writes, until the watch
   * has printed {@code events} events; compares the events (not how they were grouped in
   * responses).
   */
  private static void sameWatchEvents(int events, List<List<String>> writes, String... args) {
    List<String> expected = watchEvents(real, events, writes, args);
    List<String> actual = watchEvents(keywatch, events, writes, args);
    assertThat(actual).as("etcdctl %s", String.join(" ", args)).isEqualTo(expected);
    COMPARED.merge(session(), 1, Integer::sum);
  }

  private static List<String> watchEvents(
      Side side, int count, List<List<String>> writes, String... args) {
    Process p = side.ctl().start(resolve(side, args));
    List<String> events = new CopyOnWriteArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  if (line.startsWith("{")) {
                    JsonObject response = Json.createReader(new StringReader(line)).readObject();
                    response
                        .getJsonArray("Events")
                        .forEach(
                            e ->
                                events.add(
                                    RelativeAnswer.of(e.toString(), side.base, side.endpoint)));
                  }
                }
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    reader.start();
    try {
      for (List<String> write : writes) {
        side.ctl().require(write.toArray(String[]::new));
      }
      Keywatch.eventually().until(() -> events.size() >= count);
      return new ArrayList<>(events);
    } finally {
      p.destroy();
    }
  }

  private static String session() {
    return StackWalker.getInstance()
        .walk(
            frames ->
                frames
                    .map(StackWalker.StackFrame::getMethodName)
                    .filter(
                        n ->
                            !n.startsWith("same")
                                && !n.startsWith("lambda$")
                                && !Set.of("session", "compare").contains(n))
                    .findFirst()
                    .orElse("?"));
  }
}
