package io.keywatch.proxy.forward;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * The Grizzly request under Payara's servlet request, for what the Servlet API cannot reach (the
 * connection's state, the listener): {@code RequestFacade.request.getCoyoteRequest()}. The
 * reflective steps are looked up once; each call is then two reflective calls, no allocation.
 */
final class GrizzlyRequest {

  private record Way(Field catalinaRequest, Method coyoteRequest) {}

  private static volatile Way way;

  private GrizzlyRequest() {}

  /**
   * The Grizzly request; a ReflectiveOperationException or RuntimeException on another container.
   */
  static Object of(ServletRequest req) throws ReflectiveOperationException {
    while (req instanceof ServletRequestWrapper w) {
      req = w.getRequest();
    }
    Way w = way;
    if (w == null) {
      Field catalinaRequest = req.getClass().getDeclaredField("request");
      catalinaRequest.setAccessible(true);
      Method coyoteRequest = catalinaRequest.get(req).getClass().getMethod("getCoyoteRequest");
      coyoteRequest.setAccessible(true);
      way = w = new Way(catalinaRequest, coyoteRequest);
    }
    return w.coyoteRequest().invoke(w.catalinaRequest().get(req));
  }

  /**
   * A public method of a Grizzly type, looked up by the type's name through the loader of an object
   * from the container: the runtime classes vary (an HTTP/2 request is not an HTTP/1.1 one).
   */
  static Method method(Object fromContainer, String type, String name, Class<?>... parameters)
      throws ReflectiveOperationException {
    Method m =
        fromContainer.getClass().getClassLoader().loadClass(type).getMethod(name, parameters);
    m.setAccessible(true);
    return m;
  }
}
