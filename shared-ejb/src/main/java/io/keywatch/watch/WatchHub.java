package io.keywatch.watch;

import io.keywatch.config.Settings;
import io.keywatch.kv.ChangeLog;
import io.keywatch.kv.KvStore;
import io.keywatch.kv.Range;
import io.keywatch.kv.StoreUnavailableException;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

/**
 * The one watch of this JVM: runs the {@link ChangeFeed} on a managed thread, fires each {@link
 * EventBatch} and {@link StoreReset} as a CDI event (synchronously, in revision order, exactly
 * once; observers must be quick and may filter with {@link EventBatch#filter}), and serves
 * pull-based {@link Watch}es.
 *
 * <p>A mirror of the store (like the proxy's route table) stays exact with two rules: load a {@link
 * #snapshot} and apply only batches above its revision; reload on a reset, or when a batch starts
 * above the mirror's revision.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class WatchHub {

  @Inject ChangeLog changeLog;
  @Inject KvStore store;
  @Inject Settings settings;
  @Inject Event<EventBatch> batches;
  @Inject Event<StoreReset> resets;

  @Resource ManagedThreadFactory threads;

  private ChangeFeed feed;
  private Watchers watchers;

  @PostConstruct
  void start() {
    watchers = new Watchers(store, settings.watchQueue(), settings.batchSize());
    feed =
        new ChangeFeed(
            changeLog,
            new ChangeFeed.Settings(
                settings.heartbeat(),
                settings.backoffMin(),
                settings.backoffMax(),
                settings.batchSize()),
            watchers.andThen(FeedListener.of(batches::fire, resets::fire)));
    watchers.attach(feed);
    feed.start(threads);
  }

  @PreDestroy
  void stop() {
    feed.close();
  }

  /** A watch of every change under a prefix with a revision above {@code after}. */
  public Watch watch(String prefix, long after) {
    return watchers.watch(prefix, after);
  }

  /** The live keys under a prefix at the revision the hub has delivered up to. */
  public Range snapshot(String prefix) {
    return feed.atPosition(
        at -> {
          if (at < 0) {
            throw new StoreUnavailableException("the watch has not reached the store yet", null);
          }
          return store.list(prefix, at);
        });
  }

  public FeedState state() {
    return feed.state();
  }

  public int watchCount() {
    return watchers.size();
  }
}
