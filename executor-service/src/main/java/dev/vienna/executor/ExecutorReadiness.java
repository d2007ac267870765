package dev.vienna.executor;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the warrant consumer runs and holds partitions of {@code warrants}. */
@Readiness
@ApplicationScoped
public class ExecutorReadiness implements HealthCheck {

  @Inject WarrantConsumer consumer;

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("warrant consumer").status(consumer.ready()).build();
  }
}
