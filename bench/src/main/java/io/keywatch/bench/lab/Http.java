package io.keywatch.bench.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Plain HTTP/1.1 calls with the JDK's keep-alive connection cache: a caller that reads every answer
 * whole reuses one connection per host, as a long-lived client does.
 */
public final class Http {

  /** An answer: status and body. */
  public record Answer(int status, String body) {}

  private Http() {}

  public static Answer send(URI uri, String method, String apiKey, String json) throws IOException {
    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
    c.setRequestMethod(method);
    c.setConnectTimeout(5_000);
    c.setReadTimeout(10_000);
    if (apiKey != null) {
      c.setRequestProperty("X-API-KEY", apiKey);
    }
    if (json != null) {
      byte[] body = json.getBytes(StandardCharsets.UTF_8);
      c.setDoOutput(true);
      c.setRequestProperty("Content-Type", "application/json");
      c.setFixedLengthStreamingMode(body.length);
      try (OutputStream out = c.getOutputStream()) {
        out.write(body);
      }
    }
    int status = c.getResponseCode();
    InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
    String text = "";
    if (in != null) {
      try (in) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
    return new Answer(status, text);
  }

  public static Answer get(URI uri) throws IOException {
    return send(uri, "GET", null, null);
  }
}
