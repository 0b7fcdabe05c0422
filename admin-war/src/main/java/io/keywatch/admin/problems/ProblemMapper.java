package io.keywatch.admin.problems;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Set;

/**
 * Answers every exception, the store's, JAX-RS's own (404, 405, 415, ...) and unexpected ones, with
 * its problem document. Headers JAX-RS set on its errors (e.g. {@code Allow} on a 405) are kept.
 */
@Provider
@ApplicationScoped
public class ProblemMapper implements ExceptionMapper<Throwable> {

  private static final Set<String> REPLACED =
      Set.of(HttpHeaders.CONTENT_TYPE.toLowerCase(), HttpHeaders.CONTENT_LENGTH.toLowerCase());

  @Override
  public Response toResponse(Throwable t) {
    Response.ResponseBuilder answer = Problems.from(t).toResponseBuilder();
    if (t instanceof WebApplicationException e) {
      e.getResponse()
          .getHeaders()
          .forEach(
              (name, values) -> {
                if (!REPLACED.contains(name.toLowerCase())) {
                  values.forEach(v -> answer.header(name, v));
                }
              });
    }
    return answer.build();
  }
}
