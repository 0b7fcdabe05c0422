package io.keywatch.config;

import io.keywatch.settings.CatalogueConfigSource;
import io.keywatch.settings.StoreSetting;

/**
 * The defaults of {@link StoreSetting}, at the ordinal of a {@code microprofile-config.properties}
 * (100); registered in this module's {@code META-INF/services}.
 */
public final class StoreDefaults extends CatalogueConfigSource {

  public StoreDefaults() {
    super(StoreSetting.class, 100);
  }
}
