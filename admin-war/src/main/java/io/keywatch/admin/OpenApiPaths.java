package io.keywatch.admin;

import java.util.List;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Paths;

/**
 * Writes JAX-RS path templates as OpenAPI ones: {@code /kv/{key: .+}} becomes {@code /kv/{key}}
 * (OpenAPI has no regular expressions in paths; generators and viewers choke on them). Registered
 * with {@code mp.openapi.filter}.
 */
public class OpenApiPaths implements OASFilter {

  private static final Pattern REGEX_PARAM = Pattern.compile("\\{(\\w+)\\s*:[^}]*}");

  @Override
  public void filterOpenAPI(OpenAPI openAPI) {
    Paths paths = openAPI.getPaths();
    if (paths == null || paths.getPathItems() == null) {
      return;
    }
    for (String path : List.copyOf(paths.getPathItems().keySet())) {
      String plain = REGEX_PARAM.matcher(path).replaceAll("{$1}");
      if (!plain.equals(path)) {
        paths.addPathItem(plain, paths.getPathItem(path));
        paths.removePathItem(path);
      }
    }
  }
}
