package dev.vienna.executor;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * Live while the warrant consumer loop runs (a loop that stopped on an error needs a restart); ready while it also
 * holds partitions of {@code warrants}.
 */
@ApplicationScoped
public class ExecutorHealth {

    @Inject
    WarrantConsumer consumer;

    @Produces
    @Liveness
    HealthCheck consumerRunning() {
        return () -> HealthCheckResponse.named("warrant consumer running")
                .status(consumer.running())
                .build();
    }

    @Produces
    @Readiness
    HealthCheck consumerAssigned() {
        return () -> HealthCheckResponse.named("warrant consumer holds partitions and follows the revocations")
                .status(consumer.ready())
                .build();
    }
}
