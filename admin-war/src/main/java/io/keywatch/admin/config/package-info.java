/** The admin API's own settings, all in {@link io.keywatch.admin.config.AdminSettings}. */
package io.keywatch.admin.config;
