package io.keywatch.admin.problems;

import static io.keywatch.config.JsonSupport.JSON;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An RFC 9457 problem document: {@code type}, {@code title}, {@code status}, {@code detail}, plus
 * extension members that let a client act without parsing the detail (e.g. {@code
 * compactRevision}).
 */
public record Problem(
    String type, String title, int status, String detail, Map<String, JsonValue> extensions) {

  public static final String MEDIA_TYPE = "application/problem+json";
  public static final MediaType MEDIA_TYPE_TYPE = MediaType.valueOf(MEDIA_TYPE);

  public Problem {
    extensions = Map.copyOf(extensions);
  }

  public Problem(String type, String title, int status, String detail) {
    this(type, title, status, detail, Map.of());
  }

  public Problem with(String name, JsonValue value) {
    Map<String, JsonValue> more = new LinkedHashMap<>(extensions);
    more.put(name, value);
    return new Problem(type, title, status, detail, more);
  }

  public Problem with(String name, long value) {
    return with(name, JSON.createValue(value));
  }

  public Problem with(String name, String value) {
    return with(name, JSON.createValue(value));
  }

  public JsonObject toJson() {
    JsonObjectBuilder b =
        JSON.createObjectBuilder()
            .add("type", type)
            .add("title", title)
            .add("status", status)
            .add("detail", detail);
    extensions.forEach(b::add);
    return b.build();
  }

  public Response.ResponseBuilder toResponseBuilder() {
    return Response.status(status).type(MEDIA_TYPE_TYPE).entity(toJson().toString());
  }

  public Response toResponse() {
    return toResponseBuilder().build();
  }

  /** Thrown to refuse a request with this problem. */
  public ProblemException exception() {
    return new ProblemException(this);
  }
}
