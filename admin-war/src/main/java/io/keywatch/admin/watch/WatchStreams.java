package io.keywatch.admin.watch;

import io.keywatch.admin.config.AdminSettings;
import io.keywatch.admin.problems.Problems;
import io.keywatch.watch.Watch;
import io.keywatch.watch.WatchHub;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.annotation.Gauge;

/**
 * The open watch streams of this server, each on a thread of its own (a managed thread, not a
 * pooled one: a stream lives as long as its client, and a bounded pool would make later clients
 * queue). Their number is capped by {@code keywatch.watch.max-clients}; on shutdown each is told
 * and closed.
 */
@ApplicationScoped
public class WatchStreams {

  private static final Logger LOG = Logger.getLogger(WatchStreams.class.getName());

  @Inject WatchHub hub;
  @Inject AdminSettings settings;
  @Inject EventFrames frames;
  @Resource ManagedThreadFactory threads;

  private final Set<WatchStream> open = ConcurrentHashMap.newKeySet();

  /** Counts reservations too, so that concurrent opens cannot pass the cap together. */
  private final AtomicInteger count = new AtomicInteger();

  private final AtomicLong ids = new AtomicLong();

  /**
   * Starts streaming the changes under {@code prefix} after revision {@code after} to {@code
   * client}, with a progress event after each batch if {@code batchEnds}, the values as stored if
   * {@code asStored} (a stream of the feed key).
   *
   * @throws io.keywatch.admin.problems.ProblemException 503 when the cap is reached
   */
  void open(
      String prefix, long after, boolean batchEnds, boolean asStored, WatchStream.Client client) {
    int limit = settings.maxWatchClients();
    if (count.incrementAndGet() > limit) {
      count.decrementAndGet();
      throw Problems.tooManyWatchers(limit).exception();
    }
    Watch watch;
    try {
      watch = hub.watch(prefix, after);
    } catch (RuntimeException e) {
      count.decrementAndGet();
      throw e;
    }
    long id = ids.incrementAndGet();
    WatchStream stream =
        new WatchStream(
            watch,
            after,
            batchEnds,
            asStored,
            client,
            frames,
            settings.progressInterval(),
            this::closed);
    open.add(stream);
    try {
      Thread thread = threads.newThread(stream);
      thread.setName("keywatch-watch-" + id);
      stream.start(thread);
    } catch (RuntimeException e) {
      watch.close();
      closed(stream);
      throw e;
    }
    LOG.fine(
        () ->
            "WATCH open #"
                + id
                + " prefix "
                + prefix
                + " after "
                + after
                + ", "
                + count.get()
                + " open");
  }

  private void closed(WatchStream stream) {
    if (open.remove(stream)) {
      count.decrementAndGet();
    }
  }

  /** Streams open now. */
  @Gauge(
      name = "keywatch.admin.watch.streams",
      absolute = true,
      unit = MetricUnits.NONE,
      description = "open watch streams")
  public int size() {
    return count.get();
  }

  @PreDestroy
  void stop() {
    open.forEach(WatchStream::stop);
  }
}
