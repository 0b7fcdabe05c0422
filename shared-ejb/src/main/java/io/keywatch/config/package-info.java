/**
 * Configuration: the store's settings as injected ({@link io.keywatch.config.Settings}) and the
 * config source of their defaults; every setting itself is declared in {@code
 * io.keywatch.settings}.
 */
package io.keywatch.config;
