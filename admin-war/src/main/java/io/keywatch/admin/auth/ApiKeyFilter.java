package io.keywatch.admin.auth;

import io.keywatch.admin.config.AdminSettings;
import io.keywatch.admin.problems.Problem;
import io.keywatch.admin.problems.Problems;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/**
 * Refuses every admin call without the right {@code X-API-KEY} with 401. Runs before matching, so
 * an unauthenticated caller cannot even learn which paths exist. Payara's own {@code /health},
 * {@code /metrics} and {@code /openapi} are other applications and stay open. The one exception:
 * {@code GET /watch} without the header may carry a watch token as {@code ?token=} (see {@link
 * WatchTokens}), since a browser's EventSource cannot send headers; anywhere else a token counts
 * for nothing. The feed key ({@code keywatch.watch.feed-key}), sent as {@code X-API-KEY} by a
 * gateway that follows this server, opens {@code GET /watch}, {@code GET /routes}, {@code GET
 * /upstreams} and {@code GET /ssls} only (403 elsewhere): a gateway faces the internet, so what it
 * holds must not write. Those reads show the feed key values as stored, certificates' private keys
 * included (see {@link FeedCaller}): the gateway's HTTPS listener needs them, and the API key never
 * sees them.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION)
@ApplicationScoped
public class ApiKeyFilter implements ContainerRequestFilter {

  public static final String HEADER = "X-API-KEY";
  public static final String TOKEN_PARAMETER = "token";

  static final String HOW_TO_SET =
      "set the configuration property keywatch.api-key (environment variable KEYWATCH_API_KEY) to a long random"
          + " secret, e.g. KEYWATCH_API_KEY=$(openssl rand -hex 32), and restart the admin server";

  /** The paths the feed key opens (GET only). */
  private static final Set<String> FEED_READS = Set.of("watch", "routes", "upstreams", "ssls");

  @Inject AdminSettings settings;

  @Override
  public void filter(ContainerRequestContext request) {
    Optional<String> configured = settings.apiKey();
    String presented = request.getHeaderString(HEADER);
    String token =
        presented == null && isWatch(request)
            ? request.getUriInfo().getQueryParameters().getFirst(TOKEN_PARAMETER)
            : null;
    if (presented != null && configured.filter(k -> ApiKey.matches(k, presented)).isPresent()) {
      // the API key opens everything
    } else if (presented != null
        && settings.feedKey().filter(k -> ApiKey.matches(k, presented)).isPresent()) {
      // the gateways' key opens their reads, with an API key configured or not (a fresh install)
      if (isFeedRead(request)) {
        request.setSecurityContext(new FeedCaller(request.getSecurityContext()));
      } else {
        refuse(
            request,
            Problems.forbidden(
                "the feed key opens only GET /watch, GET /routes, GET /upstreams and GET /ssls;"
                    + " this call needs the API key"));
      }
    } else if (configured.isEmpty()) {
      refuse(
          request,
          Problems.unauthorized(
              "no API key is configured, so every admin call is refused: " + HOW_TO_SET));
    } else if (token != null) {
      String prefix = request.getUriInfo().getQueryParameters().getFirst("prefix");
      new WatchTokens(configured.get(), Clock.systemUTC())
          .refusal(token, prefix == null ? "/" : prefix)
          .ifPresent(problem -> refuse(request, problem));
    } else if (presented == null) {
      refuse(request, Problems.unauthorized("send the API key in the " + HEADER + " header"));
    } else {
      refuse(
          request,
          Problems.unauthorized("the " + HEADER + " header does not hold the configured API key"));
    }
  }

  /** What a gateway of the fan-out tier reads: the watch stream, routes, upstreams, ssl objects. */
  private static boolean isFeedRead(ContainerRequestContext request) {
    return HttpMethod.GET.equals(request.getMethod()) && FEED_READS.contains(path(request));
  }

  private static boolean isWatch(ContainerRequestContext request) {
    return HttpMethod.GET.equals(request.getMethod()) && path(request).equals("watch");
  }

  /** The request's path without a leading slash (JAX-RS may give it with or without). */
  private static String path(ContainerRequestContext request) {
    String path = request.getUriInfo().getPath();
    return path.startsWith("/") ? path.substring(1) : path;
  }

  private static void refuse(ContainerRequestContext request, Problem problem) {
    var answer = problem.toResponseBuilder();
    if (problem.status() == 401) {
      answer.header(HttpHeaders.WWW_AUTHENTICATE, "ApiKey header=\"" + HEADER + "\"");
    }
    request.abortWith(answer.build());
  }
}
