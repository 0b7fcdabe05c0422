package io.keywatch.proxy.feed;

import static io.keywatch.config.JsonSupport.JSON;

import io.keywatch.config.Settings;
import io.keywatch.kv.ChangeLog;
import io.keywatch.kv.KeyValue;
import io.keywatch.kv.Range;
import io.keywatch.kv.StoreUnavailableException;
import io.keywatch.proxy.ProxySettings;
import io.keywatch.routes.RouteCodec;
import io.keywatch.routes.UpstreamCodec;
import io.keywatch.ssl.SslCodec;
import io.keywatch.watch.FeedSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The gateway's hub follows the admin servers of {@code keywatch.proxy.feed} when it is set: their
 * watch stream is its log, their lists of routes, upstreams and ssl objects ({@code GET
 * /routes?rev=N}, {@code GET /upstreams?rev=N}, {@code GET /ssls?rev=N}) its full reads. Requests
 * carry {@code keywatch.proxy.feed-key}, to which the admin shows values as stored, so the stream
 * and the ssl list hold the private keys the HTTPS listener presents certificates with. The connect
 * and read timeout is {@code keywatch.watch.timeout}, longer than the admin's progress interval, so
 * a silent stream is a broken one.
 */
@ApplicationScoped
public class AdminFeed implements FeedSource {

  private static final Logger LOG = Logger.getLogger(AdminFeed.class.getName());

  /** The admin's list of each prefix a gateway mirrors. */
  private static final Map<String, String> LISTS =
      Map.of(
          RouteCodec.PREFIX,
          "/routes",
          UpstreamCodec.PREFIX,
          "/upstreams",
          SslCodec.PREFIX,
          "/ssls");

  @Inject ProxySettings settings;
  @Inject Settings storeSettings;

  private volatile Admins admins;

  @Override
  public boolean enabled() {
    return !settings.feed().isEmpty();
  }

  @Override
  public ChangeLog log() {
    LOG.info(() -> "FOLLOW the watch stream of " + admins() + ", not the database");
    return new AdminStreamLog(admins());
  }

  /** Only the routes, upstreams and ssl objects are read this way: all the gateway mirrors. */
  @Override
  public Range list(String prefix, long revision) {
    String list = LISTS.get(prefix);
    if (list == null) {
      throw new IllegalArgumentException("a gateway reads only " + LISTS.keySet());
    }
    HttpURLConnection c = admins().get(list + "?rev=" + revision, Map.of());
    try {
      int status = c.getResponseCode();
      if (status != 200) {
        throw new StoreUnavailableException(
            "the admin server answered "
                + list
                + " at revision "
                + revision
                + " with "
                + status
                + ": "
                + text(c.getErrorStream()),
            null);
      }
      JsonObject body = JSON.createReader(c.getInputStream()).readObject();
      List<KeyValue> kvs =
          body.getJsonArray("kvs").getValuesAs(JsonObject.class).stream()
              .map(EventJson::kv)
              .toList();
      return new Range(kvs, revision);
    } catch (IOException e) {
      throw new StoreUnavailableException("cannot read " + list + " from " + admins + ": " + e, e);
    } finally {
      c.disconnect();
    }
  }

  private Admins admins() {
    Admins a = admins;
    if (a == null) {
      a = new Admins(settings.feed(), settings.feedKey(), storeSettings.watchTimeout());
      admins = a;
    }
    return a;
  }

  private static String text(InputStream in) throws IOException {
    if (in == null) {
      return "";
    }
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
