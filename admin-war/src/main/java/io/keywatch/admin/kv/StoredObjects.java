package io.keywatch.admin.kv;

import io.keywatch.config.Settings;
import io.keywatch.kv.PutResult;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The calls of a resource that serves one kind of object under its own prefix ({@code /routes/},
 * {@code /upstreams/}, {@code /ssls/}): an id names the key, a put's body is parsed by the kind's
 * codec and stored in canonical form, and revisions, conditions and answers are this feature's, as
 * for {@code /kv}. The resources keep their JAX-RS annotations (the OpenAPI document is read from
 * them) and the rules of their kind, handed in as checks.
 */
@ApplicationScoped
public class StoredObjects {

  /**
   * One kind of object: its key prefix, the key of an id (which refuses a bad id), and its codec.
   */
  public record Kind<T>(
      String prefix,
      UnaryOperator<String> key,
      Function<byte[], T> parse,
      Function<T, Encoded> encode) {

    /** A JSON document, stored as its canonical JSON and shown back as just that. */
    public static <T> Kind<T> document(
        String prefix,
        UnaryOperator<String> key,
        Function<byte[], T> parse,
        Function<T, JsonObject> toJson) {
      return new Kind<>(
          prefix,
          key,
          parse,
          object -> {
            // encoded once: the canonical JSON is both what is stored and what the answer shows
            JsonObject json = toJson.apply(object);
            return new Encoded(json.toString().getBytes(StandardCharsets.UTF_8), Optional.of(json));
          });
    }

    /**
     * A document not to be shown back as stored: the answer renders the stored value by its key, as
     * every read does ({@link Values#render}: an ssl object without its private key).
     */
    public static <T> Kind<T> rendered(
        String prefix,
        UnaryOperator<String> key,
        Function<byte[], T> parse,
        Function<T, byte[]> toBytes) {
      return new Kind<>(
          prefix, key, parse, object -> new Encoded(toBytes.apply(object), Optional.empty()));
    }
  }

  /** What a put stores, and the JSON its answer shows (empty: the stored value, rendered). */
  public record Encoded(byte[] stored, Optional<JsonValue> shown) {}

  @Inject KeyReads reads;
  @Inject KeyWrites writes;
  @Inject Settings settings;

  /**
   * Parses the body, lets {@code check} refuse the object, and puts it under the id's key.
   *
   * @param lease {@code ?lease=}, null when absent
   * @param ifMatch {@code If-Match}, null when absent; likewise {@code ifNoneMatch}
   */
  public <T> Response put(
      Kind<T> kind,
      String id,
      String lease,
      String ifMatch,
      String ifNoneMatch,
      InputStream body,
      Consumer<? super T> check) {
    String key = kind.key().apply(id);
    Precondition condition = Precondition.of(ifMatch, ifNoneMatch);
    long leaseId = RevisionParams.lease(lease);
    T object = kind.parse().apply(Bodies.read(body, settings.valueLimit()));
    check.accept(object);
    Encoded encoded = kind.encode().apply(object);
    PutResult written = writes.put(key, encoded.stored(), condition, leaseId);
    return encoded
        .shown()
        .map(json -> KvAnswers.put(written, json))
        .orElseGet(() -> KvAnswers.put(written));
  }

  /** The object of an id, as of {@code ?rev=} (null: now). */
  public Response get(Kind<?> kind, String id, String rev) {
    String key = kind.key().apply(id);
    return KvAnswers.get(key, reads.get(key, RevisionParams.rev(rev)));
  }

  /** Every object of the kind, as of {@code ?rev=} (null: now). */
  public Response list(Kind<?> kind, String rev) {
    return list(kind, rev, false);
  }

  /** The same; {@code asStored}: the values as stored, for the feed key only. */
  public Response list(Kind<?> kind, String rev, boolean asStored) {
    return KvAnswers.list(reads.list(kind.prefix(), RevisionParams.rev(rev)), asStored);
  }

  /** Deletes the object of an id, if {@code If-Match} (null: absent) holds. */
  public Response delete(Kind<?> kind, String id, String ifMatch) {
    return delete(kind, id, ifMatch, unchecked -> {});
  }

  /** The same, once {@code check}, given the id, has not refused the deletion. */
  public Response delete(Kind<?> kind, String id, String ifMatch, Consumer<String> check) {
    String key = kind.key().apply(id);
    check.accept(id);
    return KvAnswers.delete(writes.delete(key, Precondition.ifMatch(ifMatch)));
  }

  /** The object's kept revisions, oldest first, deletions included. */
  public Response history(Kind<?> kind, String id) {
    String key = kind.key().apply(id);
    return KvAnswers.history(key, reads.history(key));
  }
}
