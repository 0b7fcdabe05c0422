package io.keywatch.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects the shared {@link Keywatch}: one system per test JVM, started on first use and kept in
 * the root extension store, so JUnit stops it after the last test class.
 */
public class KeywatchExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(KeywatchExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Keywatch.class;
  }

  @Override
  public Keywatch resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            SharedSystem.class, k -> new SharedSystem(Keywatch.startShared()), SharedSystem.class)
        .keywatch();
  }

  /** Owned by the root store, which closes it when the test plan ends. */
  private record SharedSystem(Keywatch keywatch) implements AutoCloseable {
    @Override
    public void close() {
      keywatch.stopShared();
    }
  }
}
