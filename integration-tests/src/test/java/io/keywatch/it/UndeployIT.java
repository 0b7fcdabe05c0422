package io.keywatch.it;

import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Undeploying the gateway stops its watch: its LISTEN connection and its pool leave PostgreSQL. */
@ExtendWith(EmbeddedStore.class)
@ExtendWith(ArquillianExtension.class)
class UndeployIT {

  private static final String GATEWAY = "gateway";

  @ArquillianResource Deployer deployer;

  @Deployment(name = GATEWAY, managed = false)
  static WebArchive gateway() {
    return Deployments.gateway();
  }

  @Test
  @RunAsClient
  void undeployClosesTheWatchConnection() {
    deployer.deploy(GATEWAY);
    await().atMost(Duration.ofMinutes(2)).until(() -> backends("keywatch-watch") == 1);

    deployer.undeploy(GATEWAY);
    await()
        .atMost(Duration.ofMinutes(1))
        .until(() -> backends("keywatch-watch") == 0 && backends("keywatch") == 0);
  }

  /** The test database's backends of connections named {@code applicationName}. */
  private static long backends(String applicationName) throws SQLException {
    try (Connection c = EmbeddedStore.database().dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND application_name = '"
                    + applicationName
                    + "'")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
