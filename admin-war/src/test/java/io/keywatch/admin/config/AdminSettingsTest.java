package io.keywatch.admin.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.settings.AdminSetting;
import io.keywatch.settings.Catalogue;
import io.keywatch.settings.StoreSetting;
import java.lang.reflect.Field;
import java.util.Optional;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

class AdminSettingsTest {

  @Test
  void everyInjectedSettingIsDeclaredInTheRegistryAndOneWithoutDefaultIsOptional() {
    for (Field f : AdminSettings.class.getDeclaredFields()) {
      ConfigProperty p = f.getAnnotation(ConfigProperty.class);
      if (p != null) {
        Optional<Catalogue.Entry> entry =
            Stream.of(AdminSetting.class, StoreSetting.class)
                .flatMap(c -> Catalogue.of(c).entry(p.name()).stream())
                .findFirst();
        assertThat(entry)
            .as("%s (%s) in AdminSetting or StoreSetting", p.name(), f.getName())
            .isPresent();
        if (entry.get().defaultValue().isEmpty()) {
          assertThat(f.getType()).as(p.name()).isEqualTo(Optional.class);
        }
      }
    }
  }

  @Test
  void theAdminDefaultsAreServedAsItsPropertiesFileWas() {
    AdminDefaults defaults = new AdminDefaults();
    assertThat(defaults.getValue(AdminSetting.ETCD_BIND)).isEqualTo("127.0.0.1");
    assertThat(defaults.getValue(AdminSetting.API_KEY)).isNull();
    assertThat(defaults.getOrdinal()).isEqualTo(100);
  }
}
