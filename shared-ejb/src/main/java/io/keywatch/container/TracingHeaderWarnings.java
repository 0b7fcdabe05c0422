package io.keywatch.container;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import java.util.Set;
import java.util.logging.Filter;
import java.util.logging.Logger;

/**
 * Payara reads its request-tracing headers ({@code Payara-Tracing-TraceId}, {@code -ParentId}) from
 * every request before any filter or authentication sees it, and logs a WARNING with a stack trace
 * for each one it cannot parse (Payara 6's {@code ContainerMapper.service}), tracing on or off. On
 * a port any client reaches, that is two kilobytes of log per request at the sender's will; both
 * servers drop those two messages, which say nothing about them. The gateway forwards the headers
 * as any other.
 */
@ApplicationScoped
public class TracingHeaderWarnings {

  /** The logger {@code ContainerMapper} writes them with ({@code KernelLoggerInfo}). */
  private static final String CORE_LOGGER = "javax.enterprise.system.core";

  /** "Propagated trace ID ... is not a valid UUID", and the same of the parent ID. */
  private static final Set<String> MESSAGES = Set.of("NCLS-CORE-00099", "NCLS-CORE-00100");

  // held: a logger nobody references can be collected, and its filter with it
  private Logger core;

  void startUp(@Observes @Initialized(ApplicationScoped.class) Object application) {
    core = Logger.getLogger(CORE_LOGGER);
    Filter before = core.getFilter();
    core.setFilter(
        record ->
            !MESSAGES.contains(record.getMessage())
                && (before == null || before.isLoggable(record)));
  }
}
