package io.keywatch.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class CatalogueTest {

  static final class Sample {
    @Setting(defaultValue = "PT5S", doc = "with a default")
    static final String WITH = "keywatch.sample.pool-size";

    @Setting(doc = "without one")
    static final String WITHOUT = "keywatch.sample.key";
  }

  static final class Undocumented {
    @Setting(doc = "declared")
    static final String DECLARED = "keywatch.a";

    static final String FORGOTTEN = "keywatch.b";
  }

  static final class Twice {
    @Setting(doc = "once")
    static final String ONCE = "keywatch.a";

    @Setting(doc = "twice")
    static final String TWICE = "keywatch.a";
  }

  static final class SampleDefaults extends CatalogueConfigSource {
    SampleDefaults() {
      super(Sample.class, 100);
    }
  }

  @Test
  void environmentVariablesAreNamedAsMicroProfileConfigNamesThem() {
    assertThat(Catalogue.envVar("keywatch.jdbc.pool-size")).isEqualTo("KEYWATCH_JDBC_POOL_SIZE");
    assertThat(Catalogue.envVar("keywatch.proxy.pool.max-connections"))
        .isEqualTo("KEYWATCH_PROXY_POOL_MAX_CONNECTIONS");
  }

  @Test
  void aCatalogueListsItsSettingsInTheOrderWrittenWithTheirDefaults() {
    Catalogue c = Catalogue.of(Sample.class);
    assertThat(c.entries())
        .containsExactly(
            new Catalogue.Entry("keywatch.sample.pool-size", Optional.of("PT5S"), "with a default"),
            new Catalogue.Entry("keywatch.sample.key", Optional.empty(), "without one"));
    assertThat(c.entries().get(0).envVar()).isEqualTo("KEYWATCH_SAMPLE_POOL_SIZE");
  }

  @Test
  void aConstantWithoutItsDeclarationOrAPropertyDeclaredTwiceIsRefused() {
    assertThatThrownBy(() -> Catalogue.of(Undocumented.class)).hasMessageContaining("FORGOTTEN");
    assertThatThrownBy(() -> Catalogue.of(Twice.class)).hasMessageContaining("twice");
  }

  @Test
  void theConfigSourceServesTheDeclaredDefaultsOnly() {
    SampleDefaults source = new SampleDefaults();
    assertThat(source.getValue("keywatch.sample.pool-size")).isEqualTo("PT5S");
    assertThat(source.getValue("keywatch.sample.key")).isNull();
    assertThat(source.getPropertyNames()).containsExactly("keywatch.sample.pool-size");
    assertThat(source.getOrdinal()).isEqualTo(100);
  }

  @Test
  void everyCatalogueOfTheProductReadsAndNamesOnlyKeywatchProperties() {
    assertThat(Catalogue.ALL).hasSize(4);
    Catalogue.ALL.forEach(
        c ->
            assertThat(c.entries())
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.property()).matches("keywatch\\.[a-z0-9.-]+")));
  }
}
