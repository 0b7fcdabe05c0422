package io.keywatch.settings;

import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Serves a catalogue's defaults to MicroProfile Config, in place of a {@code
 * microprofile-config.properties} that would repeat them. Each module registers its own (in {@code
 * META-INF/services/org.eclipse.microprofile.config.spi.ConfigSource}) at the ordinal its
 * properties file had, so every value and every precedence stays as it was (environment variables,
 * 300, and system properties, 400, still win).
 */
public abstract class CatalogueConfigSource implements ConfigSource {

  private final String name;
  private final int ordinal;
  private final Map<String, String> defaults;

  protected CatalogueConfigSource(Class<?> catalogue, int ordinal) {
    this.name = "keywatch defaults: " + catalogue.getSimpleName();
    this.ordinal = ordinal;
    this.defaults = Map.copyOf(Catalogue.of(catalogue).defaults());
  }

  @Override
  public Map<String, String> getProperties() {
    return defaults;
  }

  @Override
  public Set<String> getPropertyNames() {
    return defaults.keySet();
  }

  @Override
  public String getValue(String propertyName) {
    return defaults.get(propertyName);
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public int getOrdinal() {
    return ordinal;
  }
}
