package io.keywatch.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.settings.Catalogue;
import io.keywatch.settings.StoreSetting;
import java.lang.reflect.Field;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

class SettingsTest {

  @Test
  void everyInjectedSettingIsDeclaredInTheRegistryAndOneWithoutDefaultIsOptional() {
    Catalogue store = Catalogue.of(StoreSetting.class);
    for (Field f : Settings.class.getDeclaredFields()) {
      ConfigProperty p = f.getAnnotation(ConfigProperty.class);
      if (p != null) {
        Optional<Catalogue.Entry> entry = store.entry(p.name());
        assertThat(entry).as("%s (%s) in StoreSetting", p.name(), f.getName()).isPresent();
        if (entry.get().defaultValue().isEmpty()) {
          assertThat(f.getType()).as(p.name()).isEqualTo(Optional.class);
        }
      }
    }
  }

  @Test
  void theStoreDefaultsAreServedBelowTheEnvironment() {
    StoreDefaults defaults = new StoreDefaults();
    assertThat(defaults.getValue(StoreSetting.JDBC_POOL_SIZE)).isEqualTo("16");
    assertThat(defaults.getValue(StoreSetting.JDBC_PASSWORD)).isNull();
    assertThat(defaults.getOrdinal()).isLessThan(300);
  }
}
