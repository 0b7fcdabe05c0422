package io.keywatch.proxy.table;

import static io.keywatch.config.JsonSupport.JSON;

import io.keywatch.proxy.balance.Pool;
import io.keywatch.proxy.matcher.RouteIndex;
import io.keywatch.routes.InvalidRouteException;
import io.keywatch.routes.RouteCodec;
import io.keywatch.routes.UpstreamCodec;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * The last route table on disk, so that the proxy can start and serve while PostgreSQL is down.
 *
 * <pre>
 * {"storeId": "…", "revision": 42, "savedAt": "…", "routes": {"/routes/foo": {"uri": "/get", …}},
 *  "upstreams": {"/upstreams/u1": {"nodes": …}}}
 * </pre>
 *
 * A write goes to a temporary file beside the target and is then moved over it, so a crash never
 * leaves a half-written snapshot where the next start would read it.
 */
public final class SnapshotFile {

  private static final Logger LOG = Logger.getLogger(SnapshotFile.class.getName());

  private final Path path;

  public SnapshotFile(Path path) {
    this.path = path.toAbsolutePath();
  }

  public Path path() {
    return path;
  }

  public void write(RouteSnapshot snapshot) throws IOException {
    Files.createDirectories(path.getParent());
    Path temp = Files.createTempFile(path.getParent(), path.getFileName().toString(), ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(temp);
          JsonGenerator json = JSON.createGenerator(out)) {
        json.writeStartObject();
        if (snapshot.storeId() != null) {
          json.write("storeId", snapshot.storeId().toString());
        }
        json.write("revision", snapshot.revision());
        json.write("savedAt", Instant.now().toString());
        json.writeStartObject("routes");
        snapshot.index().forEach((key, route) -> json.write(key, RouteCodec.toJson(route)));
        json.writeEnd();
        json.writeStartObject("upstreams");
        snapshot
            .upstreams()
            .forEach((key, pool) -> json.write(key, UpstreamCodec.toJson(pool.upstream())));
        json.writeEnd();
        json.writeEnd();
      }
      Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * The table last written, not live; empty if there is no file. A route in it that no longer
   * parses is logged and left out; an unreadable file is an {@link IOException}.
   */
  public Optional<RouteSnapshot> read() throws IOException {
    JsonObject o;
    try (InputStream in = Files.newInputStream(path);
        var reader = JSON.createReader(in)) {
      o = reader.readObject();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (JsonException | ClassCastException e) {
      throw new IOException("not a route snapshot: " + path + ": " + e.getMessage(), e);
    }
    RouteIndex.Editor edit = RouteIndex.EMPTY.edit();
    for (Map.Entry<String, JsonValue> e : o.getJsonObject("routes").entrySet()) {
      try {
        edit.put(
            e.getKey(), RouteCodec.parse(e.getValue().toString().getBytes(StandardCharsets.UTF_8)));
      } catch (InvalidRouteException ex) {
        LOG.warning(() -> "ROUTE skip " + e.getKey() + " from " + path + ": " + ex.getMessage());
      }
    }
    Map<String, Pool> upstreams = new HashMap<>();
    // a file saved before upstreams existed has none
    for (Map.Entry<String, JsonValue> e :
        o.getOrDefault("upstreams", JsonValue.EMPTY_JSON_OBJECT).asJsonObject().entrySet()) {
      try {
        upstreams.put(
            e.getKey(),
            new Pool(
                e.getKey(),
                UpstreamCodec.parse(e.getValue().toString().getBytes(StandardCharsets.UTF_8))));
      } catch (InvalidRouteException ex) {
        LOG.warning(() -> "UPSTREAM skip " + e.getKey() + " from " + path + ": " + ex.getMessage());
      }
    }
    UUID storeId = o.containsKey("storeId") ? UUID.fromString(o.getString("storeId")) : null;
    return Optional.of(
        new RouteSnapshot(
            storeId, o.getJsonNumber("revision").longValue(), false, edit.build(), upstreams));
  }
}
