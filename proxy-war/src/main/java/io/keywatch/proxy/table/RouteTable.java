package io.keywatch.proxy.table;

import io.keywatch.kv.Range;
import io.keywatch.proxy.ProxySettings;
import io.keywatch.proxy.matcher.RouteIndex;
import io.keywatch.routes.RouteCodec;
import io.keywatch.routes.UpstreamCodec;
import io.keywatch.watch.EventBatch;
import io.keywatch.watch.StoreReset;
import io.keywatch.watch.WatchHub;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The proxy's mirror of the routes in the store. Request threads read {@link #index()}, a volatile
 * reference to an immutable {@link RouteIndex}, and never lock; the watch's batches and resets
 * build a new snapshot and swap it in, one per batch.
 *
 * <p>The mirror rule: start from a full read at the watch's position ({@link WatchHub#snapshot});
 * apply only batches above the table's revision; read everything again on a {@link StoreReset} or
 * when a batch starts above the table (changes in between were never seen). Until the first full
 * read the table is the one saved on disk, if any, so the proxy serves while PostgreSQL is down.
 *
 * <p>Lock order: the watch's position lock (held while it fires) before this object's monitor.
 * Start-up therefore reads the store before taking the monitor, never inside it, and construction
 * touches only the disk (it may run on the watch's thread, whose first batch creates this bean).
 */
@ApplicationScoped
public class RouteTable {

  private static final Logger LOG = Logger.getLogger(RouteTable.class.getName());

  @Inject WatchHub hub;
  @Inject ProxySettings settings;
  @Resource ManagedScheduledExecutorService scheduler;

  private final Clock clock = Clock.systemUTC();
  private volatile RouteSnapshot current = RouteSnapshot.EMPTY;
  private final AtomicBoolean saveScheduled = new AtomicBoolean();
  private SnapshotFile file;

  /** The table last written to {@link #file}. Guarded by {@link #file}. */
  private RouteSnapshot saved;

  @PostConstruct
  void loadFromDisk() {
    file = new SnapshotFile(settings.snapshotFile());
    try {
      file.read()
          .ifPresent(
              s -> {
                current = s;
                LOG.info(
                    () ->
                        "ROUTE load "
                            + s.size()
                            + " routes rev="
                            + s.revision()
                            + " store="
                            + s.storeId()
                            + " from "
                            + file.path());
              });
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "ROUTE snapshot file unreadable, starting empty: " + e.getMessage());
    }
  }

  /** At start, reads the store if the watch has reached it; otherwise its first batch will. */
  void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
    RouteSnapshot loaded;
    try {
      loaded = readStore();
    } catch (RuntimeException e) {
      LOG.info(
          () ->
              "ROUTE serving "
                  + current.size()
                  + " routes from disk until the store is reachable: "
                  + e.getMessage());
      return;
    }
    synchronized (this) {
      if (!current.live() || loaded.revision() > current.revision()) {
        install(loaded, "store");
      }
    }
  }

  /** The routes now; never blocks. */
  public RouteIndex index() {
    return current.index();
  }

  public RouteSnapshot snapshot() {
    return current;
  }

  synchronized void onBatch(@Observes EventBatch batch) {
    if (current.needsReload(batch)) {
      // the feed's position is still the batch's start while it delivers: the reload reads there,
      // and the batch itself is applied on top
      reload();
      if (current.needsReload(batch)) {
        return;
      }
    }
    RouteSnapshot next = current.apply(batch, clock.instant());
    if (next != current) {
      current = next;
      scheduleSave();
    }
  }

  synchronized void onReset(@Observes StoreReset reset) {
    LOG.warning(() -> "ROUTE reload after " + reset);
    reload();
  }

  /**
   * Reads every route again; on failure keeps serving the table it has, and retries at the next
   * batch.
   */
  private void reload() {
    try {
      install(readStore(), "store");
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "ROUTE reload failed, keeping "
              + current.size()
              + " routes rev="
              + current.revision()
              + ": "
              + e.getMessage());
    }
  }

  /**
   * Every route and upstream at the watch's position; fails at once while the watch has not reached
   * the store.
   */
  private RouteSnapshot readStore() {
    List<Range> read = hub.snapshot(List.of(RouteCodec.PREFIX, UpstreamCodec.PREFIX));
    return RouteSnapshot.load(hub.storeId(), read.get(0), read.get(1), current.upstreams());
  }

  private void install(RouteSnapshot s, String from) {
    current = s;
    LOG.info(
        () ->
            "ROUTE load "
                + s.size()
                + " routes rev="
                + s.revision()
                + " store="
                + s.storeId()
                + " from "
                + from);
    scheduleSave();
  }

  /**
   * Saves to disk a moment later, off the watch's thread; the changes meanwhile are saved together.
   */
  private void scheduleSave() {
    if (saveScheduled.compareAndSet(false, true)) {
      scheduler.schedule(this::save, settings.snapshotDelay().toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void save() {
    saveScheduled.set(false);
    RouteSnapshot s = current;
    synchronized (file) {
      if (!s.live() || s == saved) {
        return;
      }
      try {
        file.write(s);
        saved = s;
      } catch (IOException | RuntimeException e) {
        LOG.log(
            Level.WARNING,
            "ROUTE cannot save the snapshot to " + file.path() + ": " + e.getMessage());
      }
    }
  }

  @PreDestroy
  void stop() {
    save();
  }
}
