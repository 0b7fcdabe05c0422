package io.keywatch.proxy.tls;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.security.GeneralSecurityException;
import java.util.Collection;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;

/**
 * Hands the gateway's TLS listeners a context whose key manager is the {@link SniKeyManager}, once,
 * when the application starts; from then on every handshake chooses from the store's certificates
 * as they are at that moment, and the listener is never restarted.
 *
 * <p>Payara configures a listener's TLS from a keystore file and a fixed certificate nickname, read
 * once: its own SNI support ({@code ssl.sni-enabled}) picks a keystore alias by the server name, so
 * a new certificate would mean rewriting that file and restarting the listener. So this reaches
 * into Grizzly instead: Payara's {@code GrizzlyService} (HK2's {@code RequestDispatcher}) holds a
 * proxy per network listener; a TLS listener's filter chain has an {@code SSLBaseFilter}, whose
 * {@code SSLEngineConfigurator} makes each connection's engine from its {@code sslContext} field
 * (set lazily by Payara from the keystore). Setting that field, before or after Payara's own, makes
 * every later connection's engine ask the key manager here. The cipher suites and protocols Payara
 * set stay, and so does ALPN (HTTP/2), which Grizzly sets on each engine. This is reflection on
 * Payara's and Grizzly's internals: check it on every Payara upgrade (HttpsListenerIT does).
 */
@ApplicationScoped
public class HttpsListeners {

  private static final Logger LOG = Logger.getLogger(HttpsListeners.class.getName());

  @Inject SslTable table;

  void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
    SSLContext context;
    try {
      context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {new SniKeyManager(table)}, null, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make the HTTPS listener's TLS context", e);
    }
    try {
      int installed = install(context, container(started));
      if (installed == 0) {
        LOG.info("SSL no TLS listener on this server: nothing served over HTTPS");
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.log(
          Level.SEVERE,
          "SSL cannot take over the TLS listener (is this Payara's Grizzly?): HTTPS would present"
              + " Payara's own certificate",
          e);
    }
  }

  /** A loader that sees the server's classes: the servlet context's (the payload) or ours. */
  private static ClassLoader container(Object started) {
    return started != null && !started.getClass().getName().startsWith("java.")
        ? started.getClass().getClassLoader()
        : Thread.currentThread().getContextClassLoader();
  }

  /** Sets the context on the TLS filter of every listener; returns how many took it. */
  private static int install(SSLContext context, ClassLoader loader)
      throws ReflectiveOperationException {
    Object locator =
        loader
            .loadClass("org.glassfish.internal.api.Globals")
            .getMethod("getDefaultHabitat")
            .invoke(null);
    Class<?> dispatcher = loader.loadClass("org.glassfish.api.container.RequestDispatcher");
    Object grizzlyService =
        locator
            .getClass()
            .getMethod("getService", Class.class, Annotation[].class)
            .invoke(locator, dispatcher, new Annotation[0]);
    int installed = 0;
    for (Object proxy : (Collection<?>) field(grizzlyService, "proxies")) {
      Object listener = proxy.getClass().getMethod("getUnderlyingListener").invoke(proxy);
      Class<?> sslFilter =
          listener.getClass().getClassLoader().loadClass("org.glassfish.grizzly.ssl.SSLBaseFilter");
      List<?> filters =
          (List<?>)
              listener.getClass().getMethod("getFilters", Class.class).invoke(listener, sslFilter);
      for (Object filter : filters) {
        Object engines = sslFilter.getMethod("getServerSSLEngineConfigurator").invoke(filter);
        fieldOf(engines.getClass(), "sslContext").set(engines, context);
        installed++;
        LOG.info(
            "SSL listener "
                + listener.getClass().getMethod("getName").invoke(listener)
                + " on port "
                + listener.getClass().getMethod("getPort").invoke(listener)
                + " presents the store's certificates, chosen by SNI");
      }
    }
    return installed;
  }

  private static Object field(Object o, String name) throws ReflectiveOperationException {
    return fieldOf(o.getClass(), name).get(o);
  }

  private static Field fieldOf(Class<?> type, String name) throws NoSuchFieldException {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f;
      } catch (NoSuchFieldException notHere) {
        // a superclass declares it
      }
    }
    throw new NoSuchFieldException(type.getName() + "." + name);
  }
}
