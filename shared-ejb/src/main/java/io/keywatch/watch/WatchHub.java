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
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The one watch of this JVM: runs the {@link ChangeFeed} on a managed thread, fires each {@link
 * EventBatch} and {@link StoreReset} as a CDI event (synchronously, in revision order, exactly
 * once; observers must be quick and may filter with {@link EventBatch#filter}), and serves
 * pull-based {@link Watch}es.
 *
 * <p>A mirror of the store (like the proxy's route table) stays exact with two rules: load a {@link
 * #snapshot} and apply only batches above its revision; reload on a reset, or when a batch starts
 * above the mirror's revision.
 *
 * <p>The feed follows the store's database, or an enabled {@link FeedSource} (a gateway of the
 * fan-out tier following an admin server): then the database is never touched (the store and the
 * log are looked up only when needed), and the hub serves no pull watches of its own.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class WatchHub {

  @Inject Instance<ChangeLog> changeLog;
  @Inject Instance<KvStore> store;
  @Inject Instance<FeedSource> sources;
  @Inject Settings settings;
  @Inject Event<EventBatch> batches;
  @Inject Event<StoreReset> resets;

  @Resource ManagedThreadFactory threads;

  private ChangeFeed feed;

  /** Null when the hub follows a {@link FeedSource}. */
  private Watchers watchers;

  /** Where {@link #snapshot} reads: the store, or the source. */
  private FeedSource.Reads reads;

  @PostConstruct
  void start() {
    ChangeFeed.Settings paced =
        new ChangeFeed.Settings(
            settings.heartbeat(),
            settings.backoffMin(),
            settings.backoffMax(),
            settings.batchSize());
    FeedListener events = FeedListener.of(batches::fire, resets::fire);
    Optional<FeedSource> source = sources.stream().filter(FeedSource::enabled).findFirst();
    if (source.isPresent()) {
      reads = source.get()::list;
      feed = new ChangeFeed(source.get().log(), paced, events);
    } else {
      KvStore kv = store.get();
      reads = kv::list;
      watchers = new Watchers(kv, settings.watchQueue(), settings.batchSize());
      feed = new ChangeFeed(changeLog.get(), paced, watchers.andThen(events));
      watchers.attach(feed);
    }
    feed.start(threads);
  }

  @PreDestroy
  void stop() {
    feed.close();
  }

  /** A watch of every change under a prefix with a revision above {@code after}. */
  public Watch watch(String prefix, long after) {
    if (watchers == null) {
      throw new UnsupportedOperationException(
          "this server follows another's watch stream and serves no watches of its own");
    }
    return watchers.watch(prefix, after);
  }

  /** The live keys under a prefix at the revision the hub has delivered up to. */
  public Range snapshot(String prefix) {
    return snapshot(List.of(prefix)).get(0);
  }

  /** The live keys under each prefix, all at the revision the hub has delivered up to. */
  public List<Range> snapshot(List<String> prefixes) {
    return feed.atPosition(
        at -> {
          if (at < 0) {
            throw new StoreUnavailableException("the watch has not reached the store yet", null);
          }
          return prefixes.stream().map(prefix -> reads.list(prefix, at)).toList();
        });
  }

  /** The store's id as the feed last saw it; null before its first poll. */
  public UUID storeId() {
    return feed.storeId();
  }

  public FeedState state() {
    return feed.state();
  }

  public int watchCount() {
    return watchers == null ? 0 : watchers.size();
  }
}
