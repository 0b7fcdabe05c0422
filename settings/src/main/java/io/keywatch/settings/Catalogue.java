package io.keywatch.settings;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The settings one program reads, as declared by the {@link Setting} constants of one class, in the
 * order they are written.
 */
public record Catalogue(Class<?> declaredBy, List<Catalogue.Entry> entries) {

  /** Store, admin server, gateway, launcher: every catalogue of the product. */
  public static final List<Catalogue> ALL =
      List.of(
          of(StoreSetting.class),
          of(AdminSetting.class),
          of(GatewaySetting.class),
          of(LauncherSetting.class));

  /** One setting: its property, its default (empty: none) and what it is for. */
  public record Entry(String property, Optional<String> defaultValue, String doc) {

    public String envVar() {
      return Catalogue.envVar(property);
    }
  }

  public Catalogue {
    entries = List.copyOf(entries);
  }

  /**
   * Reads the {@link Setting} constants of a class; fails on a constant without one, or a property
   * declared twice.
   */
  public static Catalogue of(Class<?> declaredBy) {
    List<Entry> entries = new ArrayList<>();
    for (Field f : declaredBy.getDeclaredFields()) {
      int m = f.getModifiers();
      if (f.isSynthetic() || !Modifier.isStatic(m) || f.getType() != String.class) {
        continue;
      }
      Setting s = f.getAnnotation(Setting.class);
      if (s == null) {
        throw new IllegalStateException(
            declaredBy.getSimpleName() + "." + f.getName() + " lacks @Setting");
      }
      try {
        String property = (String) f.get(null);
        if (entries.stream().anyMatch(e -> e.property().equals(property))) {
          throw new IllegalStateException(
              declaredBy.getSimpleName() + " declares " + property + " twice");
        }
        entries.add(
            new Entry(property, Optional.of(s.defaultValue()).filter(v -> !v.isEmpty()), s.doc()));
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(declaredBy.getSimpleName() + "." + f.getName(), e);
      }
    }
    return new Catalogue(declaredBy, entries);
  }

  /**
   * The environment variable of a property, by MicroProfile Config's rule: each non-alphanumeric to
   * '_', upper case ({@code keywatch.jdbc.pool-size} → {@code KEYWATCH_JDBC_POOL_SIZE}).
   */
  public static String envVar(String property) {
    return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
  }

  public Optional<Entry> entry(String property) {
    return entries.stream().filter(e -> e.property().equals(property)).findFirst();
  }

  /** The declared defaults, property to value, as a config source serves them. */
  public Map<String, String> defaults() {
    Map<String, String> defaults = new LinkedHashMap<>();
    entries.forEach(e -> e.defaultValue().ifPresent(v -> defaults.put(e.property(), v)));
    return defaults;
  }
}
