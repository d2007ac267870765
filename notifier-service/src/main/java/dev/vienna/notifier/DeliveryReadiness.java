package dev.vienna.notifier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the delivery loop holds partitions of {@code notifications} (or there is no endpoint to deliver to): the
 * notifier's half that Kafka Streams' readiness does not cover.
 */
@Readiness
@ApplicationScoped
public class DeliveryReadiness implements HealthCheck {

    @Inject
    Notifier notifier;

    @Override
    public HealthCheckResponse call() {
        int endpoints = notifier.states().size();
        boolean ready = endpoints == 0 || notifier.delivering();
        return HealthCheckResponse.named("webhook delivery")
                .status(ready)
                .withData("endpoints", endpoints)
                .build();
    }
}
