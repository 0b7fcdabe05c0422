package io.keywatch.proxy.forward;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The servlet behind {@link ForwardingFilter}, which answers every request itself. It is there for
 * what the container does around the filter, so that nothing but the gateway answers on the data
 * port:
 *
 * <ul>
 *   <li>it claims every path: with no servlet mapped, the container's mapper redirects a path that
 *       names a folder of the WAR ({@code /WEB-INF} to {@code http://<Host>/WEB-INF/}, an open
 *       redirect to whatever Host the client sent) before any filter runs;
 *   <li>it is the WAR's error page ({@code web.xml}), so that what the container refuses by itself,
 *       {@code /WEB-INF/...} and {@code /META-INF/...} (never shown to a filter, so never
 *       routable), gets the gateway's plain answer instead of Payara's HTML page naming the server.
 * </ul>
 */
@WebServlet(urlPatterns = "/*", asyncSupported = true)
public class DataPortServlet extends HttpServlet {

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
    int status =
        req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code
            ? code
            : HttpServletResponse.SC_NOT_FOUND;
    ForwardingFilter.reply(
        res, status, status == HttpServletResponse.SC_NOT_FOUND ? "no route" : "error " + status);
  }
}
