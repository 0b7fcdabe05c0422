package io.keywatch.config;

import jakarta.json.spi.JsonProvider;

/** The JSON-P provider every part uses, looked up once. */
public final class JsonSupport {

  /** {@code Json.createX} scans the class path for a provider on every call; this does it once. */
  public static final JsonProvider JSON = JsonProvider.provider();

  private JsonSupport() {}
}
