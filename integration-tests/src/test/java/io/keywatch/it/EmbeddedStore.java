package io.keywatch.it;

import io.keywatch.testdb.TestDatabase;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh, migrated PostgreSQL database for the test class, started before Arquillian deploys:
 * register it before {@code ArquillianExtension}, whose deployment reads {@link #jdbcUrl()}. JUnit
 * runs the extensions again inside the server for each in-container test; there, where the embedded
 * PostgreSQL is not on the class path, it does nothing.
 */
public final class EmbeddedStore implements BeforeAllCallback, AfterAllCallback {

  @Override
  public void beforeAll(ExtensionContext context) {
    if (onClient()) {
      Client.start();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (onClient()) {
      Client.stop();
    }
  }

  /** The database's URL, for the deployment's configuration. */
  public static String jdbcUrl() {
    return Client.db.jdbcUrl();
  }

  /** The database as seen from the test's JVM. */
  public static TestDatabase database() {
    return Client.db;
  }

  private static boolean onClient() {
    try {
      Class.forName(
          "io.zonky.test.db.postgres.embedded.EmbeddedPostgres",
          false,
          EmbeddedStore.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException inTheServer) {
      return false;
    }
  }

  /** Loaded only on the client, where TestDatabase and its dependencies are. */
  private static final class Client {
    static TestDatabase db;

    static void start() {
      db = TestDatabase.create();
    }

    static void stop() {
      if (db != null) {
        db.close();
        db = null;
      }
    }
  }
}
