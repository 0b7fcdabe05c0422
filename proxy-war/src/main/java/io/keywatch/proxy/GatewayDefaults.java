package io.keywatch.proxy;

import io.keywatch.settings.CatalogueConfigSource;
import io.keywatch.settings.GatewaySetting;

/**
 * The defaults of {@link GatewaySetting}, at 110: above the store's (100), so that the gateway's
 * own default of a store setting wins; below environment variables (300). Registered in this WAR's
 * {@code META-INF/services}.
 */
public final class GatewayDefaults extends CatalogueConfigSource {

  public GatewayDefaults() {
    super(GatewaySetting.class, 110);
  }
}
