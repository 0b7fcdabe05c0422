package io.keywatch.admin.auth;

import io.keywatch.admin.config.AdminSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.logging.Logger;

/** Tells a fresh install, at start-up, that it has no API key and how to set one. */
@ApplicationScoped
public class ApiKeyNotice {

  private static final Logger LOG = Logger.getLogger(ApiKeyNotice.class.getName());

  @Inject AdminSettings settings;

  void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
    if (settings.apiKey().isEmpty()) {
      LOG.warning(
          "AUTH no API key is configured: every admin call will be refused with 401; "
              + ApiKeyFilter.HOW_TO_SET);
    } else {
      LOG.info("AUTH admin API requires the " + ApiKeyFilter.HEADER + " header");
    }
  }
}
