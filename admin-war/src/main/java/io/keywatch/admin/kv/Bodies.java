package io.keywatch.admin.kv;

import static io.keywatch.config.JsonSupport.JSON;

import io.keywatch.admin.problems.Problems;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.core.MediaType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

/** Request bodies: read with a limit (a huge body is refused, not buffered), parsed as JSON. */
public final class Bodies {

  /**
   * What {@code curl -d} sends when told no type. The JSON endpoints take it as JSON, as APISIX
   * does, so the seed's own commands work unchanged; the body is still parsed, and a form is a 400.
   */
  public static final String CURL_DEFAULT_TYPE = MediaType.APPLICATION_FORM_URLENCODED;

  private Bodies() {}

  /** The whole body, or a 413 problem as soon as it exceeds {@code limit} bytes. */
  public static byte[] read(InputStream in, long limit) {
    try {
      byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
      if (body.length > limit) {
        throw Problems.bodyTooLarge(limit).exception();
      }
      return body;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the request body", e);
    }
  }

  /** A JSON object, or a 400 problem naming what is wrong with the document. */
  public static JsonObject object(byte[] body) {
    JsonValue v = value(body);
    if (v.getValueType() != JsonValue.ValueType.OBJECT) {
      throw Problems.invalidRequest(
              "the body must be a JSON object, not " + v.getValueType().name().toLowerCase())
          .exception();
    }
    return v.asJsonObject();
  }

  /**
   * The value if it is a JSON whole number between {@code min} and Long.MAX_VALUE ({@code 5.0}
   * counts, {@code 5.5} not).
   */
  public static OptionalLong wholeNumber(JsonValue v, long min) {
    if (v instanceof JsonNumber n
        && n.isIntegral()
        && n.bigDecimalValue().compareTo(BigDecimal.valueOf(min)) >= 0
        && n.bigDecimalValue().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0) {
      return OptionalLong.of(n.longValue());
    }
    return OptionalLong.empty();
  }

  /** Any JSON value, or a 400 problem. */
  public static JsonValue value(byte[] body) {
    if (body.length == 0) {
      throw Problems.invalidRequest("the body is empty; a JSON document is required").exception();
    }
    // a Reader, not the stream: the parser's encoding detection refuses a one-byte document such as
    // 1
    try (var reader =
        JSON.createReader(
            new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8))) {
      return reader.readValue();
    } catch (JsonException e) {
      throw Problems.invalidRequest("malformed JSON: " + e.getMessage()).exception();
    }
  }
}
