/**
 * The settings registry: every setting of Keywatch, declared once, as an annotated constant that
 * holds its property name ({@link io.keywatch.settings.Setting}), in one catalogue per program that
 * reads it: {@link io.keywatch.settings.StoreSetting} (both servers), {@link
 * io.keywatch.settings.AdminSetting}, {@link io.keywatch.settings.GatewaySetting} and {@link
 * io.keywatch.settings.LauncherSetting}.
 *
 * <p>The constants are what {@code @ConfigProperty(name = ...)} injects by; {@link
 * io.keywatch.settings.CatalogueConfigSource} serves the defaults to MicroProfile Config; the
 * launcher reads its own settings and names the servers' through them; a test holds README.md's
 * settings tables to them. The environment variable of each is derived by MicroProfile Config's
 * rule ({@link io.keywatch.settings.Catalogue#envVar}), never written down.
 *
 * <p>To add a setting: 1. one constant in the catalogue of the program that reads it, e.g.
 *
 * <pre>
 * &#64;Setting(defaultValue = "PT30S", doc = "how long ...")
 * public static final String WATCH_GRACE = "keywatch.watch.grace";</pre>
 *
 * (no {@code defaultValue} for none: inject it as an {@code Optional}); 2. inject it by the
 * constant, {@code @ConfigProperty(name = StoreSetting.WATCH_GRACE)}; 3. add its row to README.md's
 * table for that program: {@code ReadmeSettingsTest} fails until it is there and prints the row.
 * Its default is served at once; nothing else repeats it.
 *
 * <p>No dependencies but MicroProfile Config's API (provided, for the config source alone), so that
 * the launcher can carry it.
 */
package io.keywatch.settings;
