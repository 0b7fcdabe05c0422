package io.keywatch.proxy.forward;

import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Payara's Grizzly response under the servlet response, for the few things the Servlet API cannot
 * do ({@link ClientConnection}, {@link StatusLine}): {@code
 * ResponseFacade.response.getCoyoteResponse()}. The reflective handles are looked up once, on the
 * first call, and kept.
 */
final class GrizzlyResponse {

  /** The handles of this container's classes; null until the first call. */
  private static volatile Handles handles;

  private record Handles(Class<?> facade, Field catalina, Method coyote, Method setStatus) {}

  private GrizzlyResponse() {}

  /** Grizzly's response under {@code res}. */
  static Object of(ServletResponse res) throws ReflectiveOperationException {
    res = unwrapped(res);
    return of(res, handles(res));
  }

  /**
   * Sets the status with a reason phrase of our choosing (Grizzly's {@code Response.setStatus(int,
   * String)}).
   */
  static void setStatus(ServletResponse res, int status, String reason)
      throws ReflectiveOperationException {
    res = unwrapped(res);
    Handles h = handles(res);
    h.setStatus().invoke(of(res, h), status, reason);
  }

  private static ServletResponse unwrapped(ServletResponse res) {
    while (res instanceof ServletResponseWrapper w) {
      res = w.getResponse();
    }
    return res;
  }

  private static Object of(ServletResponse facade, Handles h) throws ReflectiveOperationException {
    return h.coyote().invoke(h.catalina().get(facade));
  }

  private static Handles handles(ServletResponse res) throws ReflectiveOperationException {
    Handles h = handles;
    if (h != null && h.facade() == res.getClass()) {
      return h;
    }
    Field catalina = res.getClass().getDeclaredField("response");
    catalina.setAccessible(true);
    Method coyote = catalina.getType().getMethod("getCoyoteResponse");
    Method setStatus = coyote.getReturnType().getMethod("setStatus", int.class, String.class);
    h = new Handles(res.getClass(), catalina, coyote, setStatus);
    handles = h;
    return h;
  }
}
