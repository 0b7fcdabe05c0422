package io.keywatch.proxy.table;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the proxy has a route table, from the store or from its disk snapshot: it serves its
 * last routes while PostgreSQL is down, so a load balancer must keep sending it traffic then.
 */
@Readiness
@ApplicationScoped
public class RouteTableHealth implements HealthCheck {

  @Inject RouteTable table;

  @Override
  public HealthCheckResponse call() {
    RouteSnapshot s = table.snapshot();
    return HealthCheckResponse.named("keywatch-routes")
        .status(s.revision() >= 0)
        .withData("routes", s.size())
        .withData("revision", s.revision())
        .withData("live", String.valueOf(s.live())) // Payara drops boolean data
        .build();
  }
}
