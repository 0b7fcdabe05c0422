package io.keywatch.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keywatch.kv.KvStore;
import io.keywatch.kv.Txn;
import io.keywatch.proxy.table.RouteTable;
import io.keywatch.routes.Route;
import io.keywatch.routes.RouteCodec;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.LongStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Inside the deployed gateway: the {@code @Startup} watch singleton's LISTEN connection turns the
 * store's writes into CDI events, and the route table, a CDI observer, follows them.
 */
@ExtendWith(EmbeddedStore.class)
@ExtendWith(ArquillianExtension.class)
class WatchWiringIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Inject KvStore store;
  @Inject RevisionRecorder recorder;
  @Inject RouteTable table;

  @Deployment
  static WebArchive gateway() {
    return Deployments.gateway();
  }

  @Test
  void everyWriteReachesAnObserverAsACdiEventOnceAndInRevisionOrder() {
    long before = store.revisions().current();
    for (int i = 0; i < 30; i++) {
      store.put("/it/order/" + (i % 4), ("v" + i).getBytes(UTF_8));
    }
    long txnFirst =
        store
            .txn(
                new Txn(
                    List.of(),
                    List.of(
                        new Txn.Put("/it/order/a", "1".getBytes(UTF_8)),
                        new Txn.Put("/it/order/b", "2".getBytes(UTF_8))),
                    List.of()))
            .events()
            .get(0)
            .revision();
    long after = store.revisions().current();

    await().atMost(WAIT).until(() -> recorder.revisions().contains(after));
    List<Long> seen = recorder.revisions().stream().filter(r -> r > before).toList();
    assertEquals(LongStream.rangeClosed(before + 1, after).boxed().toList(), seen);
    // the batch may hold earlier puts too: under load the feed reads them with the transaction in
    // one poll. What is promised is that a batch never splits a transaction (EventBatch)
    List<Long> txnBatch =
        recorder.batches().stream().filter(b -> b.contains(txnFirst)).findFirst().orElseThrow();
    assertTrue(
        txnBatch.contains(txnFirst + 1),
        "a transaction's changes come in one batch: " + recorder.batches());
  }

  @Test
  void theGatewaysRouteTableFollowsTheStore() {
    String key = Route.key("it-follow");
    Route route =
        new Route(
            "/it/follow",
            URI.create("http://127.0.0.1:9"),
            Set.of(),
            Optional.empty(),
            Optional.empty());
    long put = store.put(key, RouteCodec.toBytes(route)).revision();
    await().atMost(WAIT).until(() -> table.snapshot().revision() >= put);
    assertEquals(List.of("/it/follow"), table.index().get(key).route().uris());

    long deleted = store.delete(key).orElseThrow().revision();
    await().atMost(WAIT).until(() -> table.snapshot().revision() >= deleted);
    assertEquals(null, table.index().match("GET", "localhost", "/it/follow"));
  }
}
