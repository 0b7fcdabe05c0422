package io.keywatch.admin.cors;

import io.keywatch.admin.auth.ApiKeyFilter;
import io.keywatch.admin.config.AdminSettings;
import io.keywatch.admin.kv.KeyValueJson;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

/**
 * Answers a preflight from an allowed origin with 204 before {@link ApiKeyFilter} runs (a preflight
 * never carries {@code X-API-KEY}), and marks every answer to an allowed origin, refusals included,
 * as readable by it. The allowed origin is echoed exactly, never {@code *}.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
@ApplicationScoped
public class CorsFilter implements ContainerRequestFilter, ContainerResponseFilter {

  static final String ORIGIN = "Origin";
  static final String REQUEST_METHOD = "Access-Control-Request-Method";
  static final String ALLOW_METHODS =
      String.join(", ", HttpMethod.GET, HttpMethod.PUT, HttpMethod.POST, HttpMethod.DELETE);

  /** What the API reads from a request beyond the CORS-safelisted headers. */
  static final String ALLOW_HEADERS =
      String.join(
          ", ",
          ApiKeyFilter.HEADER,
          HttpHeaders.CONTENT_TYPE,
          HttpHeaders.IF_MATCH,
          HttpHeaders.IF_NONE_MATCH,
          "Last-Event-ID");

  /** What a page may read from an answer beyond the CORS-safelisted headers. */
  static final String EXPOSE_HEADERS =
      String.join(
          ", ", KeyValueJson.REVISION_HEADER, HttpHeaders.ETAG, HttpHeaders.WWW_AUTHENTICATE);

  @Inject AdminSettings settings;

  @Override
  public void filter(ContainerRequestContext request) {
    if (HttpMethod.OPTIONS.equals(request.getMethod())
        && request.getHeaderString(REQUEST_METHOD) != null
        && isAllowed(request.getHeaderString(ORIGIN))) {
      request.abortWith(
          Response.noContent()
              .header("Access-Control-Allow-Methods", ALLOW_METHODS)
              .header("Access-Control-Allow-Headers", ALLOW_HEADERS)
              .build());
    }
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    String origin = request.getHeaderString(ORIGIN);
    if (origin == null || settings.corsOrigins().isEmpty()) {
      return;
    }
    MultivaluedMap<String, Object> headers = response.getHeaders();
    headers.add(
        HttpHeaders.VARY, ORIGIN); // the answer differs by origin: a cache must not share it
    if (isAllowed(origin)) {
      headers.putSingle("Access-Control-Allow-Origin", origin);
      headers.putSingle("Access-Control-Expose-Headers", EXPOSE_HEADERS);
    }
  }

  private boolean isAllowed(String origin) {
    return origin != null && settings.corsOrigins().contains(origin);
  }
}
