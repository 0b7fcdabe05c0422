package io.keywatch.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a system test: its test and lifecycle methods may take a {@link Keywatch} parameter, the
 * shared running system. See the package documentation.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(KeywatchExtension.class)
public @interface KeywatchTest {}
