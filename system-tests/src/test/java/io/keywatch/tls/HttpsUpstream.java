package io.keywatch.tls;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLParameters;

/**
 * An HTTPS upstream on loopback (the JDK's server) presenting a given certificate; answers {@code
 * <name> <path>} and records the server name each TLS client asked for and the paths asked.
 */
public final class HttpsUpstream implements AutoCloseable {

  private final String name;
  private final HttpsServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(4);
  public final BlockingQueue<String> serverNames = new LinkedBlockingQueue<>();

  /** The raw path of every request served, health probes included. */
  public final BlockingQueue<String> paths = new LinkedBlockingQueue<>();

  public HttpsUpstream(String name, TestCa.Issued certificate) {
    this.name = name;
    try {
      server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setHttpsConfigurator(
        new HttpsConfigurator(certificate.serverContext()) {
          @Override
          public void configure(HttpsParameters params) {
            SSLParameters p = getSSLContext().getDefaultSSLParameters();
            p.setSNIMatchers(
                List.of(
                    new SNIMatcher(0) {
                      @Override
                      public boolean matches(SNIServerName sni) {
                        serverNames.add(new SNIHostName(sni.getEncoded()).getAsciiName());
                        return true;
                      }
                    }));
            params.setSSLParameters(p);
          }
        });
    server.createContext(
        "/",
        ex -> {
          try (ex) {
            paths.add(ex.getRequestURI().getRawPath());
            byte[] body =
                (this.name + " " + ex.getRequestURI().getRawPath())
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
          }
        });
    server.setExecutor(threads);
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
