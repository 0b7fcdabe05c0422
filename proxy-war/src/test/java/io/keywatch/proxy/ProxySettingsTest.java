package io.keywatch.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.config.StoreDefaults;
import io.keywatch.settings.Catalogue;
import io.keywatch.settings.GatewaySetting;
import io.keywatch.settings.StoreSetting;
import java.lang.reflect.Field;
import java.util.Optional;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

class ProxySettingsTest {

  @Test
  void everyInjectedSettingIsDeclaredInTheRegistryAndOneWithoutDefaultIsOptional() {
    for (Field f : ProxySettings.class.getDeclaredFields()) {
      ConfigProperty p = f.getAnnotation(ConfigProperty.class);
      if (p != null) {
        Optional<Catalogue.Entry> entry =
            Stream.of(GatewaySetting.class, StoreSetting.class)
                .flatMap(c -> Catalogue.of(c).entry(p.name()).stream())
                .findFirst();
        assertThat(entry)
            .as("%s (%s) in GatewaySetting or StoreSetting", p.name(), f.getName())
            .isPresent();
        if (entry.get().defaultValue().isEmpty()) {
          assertThat(f.getType()).as(p.name()).isEqualTo(Optional.class);
        }
      }
    }
  }

  @Test
  void theGatewaysOwnDefaultOfAStoreSettingOutranksTheStores() {
    GatewayDefaults gateway = new GatewayDefaults();
    StoreDefaults store = new StoreDefaults();
    assertThat(store.getValue(StoreSetting.WATCH_READINESS)).isEqualTo("true");
    assertThat(gateway.getValue(GatewaySetting.WATCH_READINESS)).isEqualTo("false");
    assertThat(gateway.getOrdinal()).isGreaterThan(store.getOrdinal()).isLessThan(300);
  }
}
