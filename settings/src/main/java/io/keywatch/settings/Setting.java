package io.keywatch.settings;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a setting on the {@code static final String} constant that holds its property name: its
 * default and what it is for, in one line.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Setting {

  /** Marks a setting without a default (MicroProfile Config reads an empty value as none). */
  String NONE = "";

  /** The default, written as MicroProfile Config reads it (e.g. {@code PT5S}, {@code 16}). */
  String defaultValue() default NONE;

  /** What the setting is for, in one line. */
  String doc();
}
