/** Configuration: every setting, its environment variable and its default, in one class. */
package io.keywatch.config;
