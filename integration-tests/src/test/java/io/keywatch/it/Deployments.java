package io.keywatch.it;

import java.io.File;
import java.net.URISyntaxException;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.hamcrest.Matcher;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The archives the tests deploy: the gateway's WAR as built, configured for the test's database.
 */
final class Deployments {

  private static final String CONFIG = "WEB-INF/classes/META-INF/microprofile-config.properties";

  private Deployments() {}

  /**
   * The gateway's WAR without its forwarding filter, its configuration pointed at {@link
   * EmbeddedStore}'s database (a {@code microprofile-config.properties} above the WAR's declared
   * defaults, which are served at 100 and 110), with the test support that runs inside it.
   */
  static WebArchive gateway() {
    WebArchive war =
        ShrinkWrap.createFromZipFile(
            WebArchive.class, new File(System.getProperty("keywatch.it.war")));
    String overrides =
        String.join(
            "\n",
            "config_ordinal=120",
            "keywatch.jdbc.url=" + EmbeddedStore.jdbcUrl(),
            "keywatch.jdbc.user=postgres",
            "keywatch.proxy.snapshot-file="
                + new File(
                    System.getProperty("java.io.tmpdir"), "routes-" + UUID.randomUUID() + ".json"),
            "");
    // every path of the data port is a route's: without the forwarding filter, the Arquillian
    // runner's servlet is reachable (the tests are about the route table, not about forwarding)
    war.delete("WEB-INF/classes/io/keywatch/proxy/forward/ForwardingFilter.class");
    war.add(new StringAsset(overrides), CONFIG);
    return war.addClasses(EmbeddedStore.class, RevisionRecorder.class)
        .addAsLibraries(jarOf(Awaitility.class), jarOf(Matcher.class));
  }

  private static File jarOf(Class<?> type) {
    try {
      return new File(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
