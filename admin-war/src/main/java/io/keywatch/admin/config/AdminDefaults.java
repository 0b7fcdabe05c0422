package io.keywatch.admin.config;

import io.keywatch.settings.AdminSetting;
import io.keywatch.settings.CatalogueConfigSource;

/**
 * The defaults of {@link AdminSetting}, at the ordinal of a {@code microprofile-config.properties}
 * (100); registered in this WAR's {@code META-INF/services}.
 */
public final class AdminDefaults extends CatalogueConfigSource {

  public AdminDefaults() {
    super(AdminSetting.class, 100);
  }
}
