package io.keywatch.proxy.feed;

import static io.keywatch.config.JsonSupport.JSON;

import io.keywatch.config.Settings;
import io.keywatch.kv.ChangeLog;
import io.keywatch.kv.KeyValue;
import io.keywatch.kv.Range;
import io.keywatch.kv.StoreUnavailableException;
import io.keywatch.proxy.ProxySettings;
import io.keywatch.routes.RouteCodec;
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
 * watch stream is its log, their route list ({@code GET /routes?rev=N}) its full read. Requests
 * carry {@code keywatch.proxy.feed-key}; the connect and read timeout is {@code
 * keywatch.watch.timeout}, longer than the admin's progress interval, so a silent stream is a
 * broken one.
 */
@ApplicationScoped
public class AdminFeed implements FeedSource {

  private static final Logger LOG = Logger.getLogger(AdminFeed.class.getName());

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

  /** Only the routes are read this way: they are all the gateway mirrors. */
  @Override
  public Range list(String prefix, long revision) {
    if (!prefix.equals(RouteCodec.PREFIX)) {
      throw new IllegalArgumentException("a gateway reads only " + RouteCodec.PREFIX);
    }
    HttpURLConnection c = admins().get("/routes?rev=" + revision, Map.of());
    try {
      int status = c.getResponseCode();
      if (status != 200) {
        throw new StoreUnavailableException(
            "the admin server answered the route list at revision "
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
      throw new StoreUnavailableException("cannot read the routes from " + admins + ": " + e, e);
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
