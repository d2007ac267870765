package dev.vienna.notifier;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Starts the delivery of notifications to the operators' webhooks ({@code vienna.notifier.webhooks-file}) and publishes
 * its metrics. An invalid webhooks file stops the service at start-up with every problem named; none configured: the
 * service runs (notifications are still derived) and delivers nothing.
 */
@ApplicationScoped
public class Notifier {

    private static final Logger LOG = Logger.getLogger(Notifier.class);

    @Inject
    NotifierConfig config;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    @Inject
    PublishedDeadLetters deadLetters;

    @Inject
    MeterRegistry metrics;

    private DeliveryLoop loop;

    void start(@Observes StartupEvent event) {
        List<WebhookEndpoint> endpoints = config.webhooksFile()
                .map(WebhooksFile::read) // WebhooksFile.Invalid stops the start-up, naming every problem
                .orElse(List.of());
        if (endpoints.isEmpty()) {
            LOG.infof(
                    "no webhooks configured (%s): notifications are derived but delivered to no one",
                    config.webhooksFile().map(f -> f + " lists none").orElse("vienna.notifier.webhooks-file unset"));
        } else {
            LOG.infof("delivering notifications to %s", endpoints);
        }
        loop = new DeliveryLoop(
                kafka,
                "notifier-service-delivery",
                endpoints,
                DeliverySettings.of(config),
                deadLetters,
                Clock.systemUTC());
        register(loop);
        loop.start();
    }

    void stop(@Observes ShutdownEvent event) {
        if (loop != null) {
            loop.close();
        }
    }

    /** Whether the delivery loop holds partitions of {@code notifications}. */
    public boolean delivering() {
        return loop != null && loop.assigned();
    }

    /** The delivery state of every endpoint. */
    public List<EndpointState> states() {
        return loop == null ? List.of() : loop.states();
    }

    private void register(DeliveryLoop delivery) {
        for (EndpointDelivery endpoint : delivery.endpoints()) {
            String name = endpoint.endpoint().name();
            outcome(endpoint, name, "delivered", EndpointDelivery::delivered);
            outcome(endpoint, name, "retried", EndpointDelivery::retried);
            outcome(endpoint, name, "failed", EndpointDelivery::failed);
            Gauge.builder("vienna.notifier.last.success", endpoint, EndpointDelivery::lastSuccessSeconds)
                    .description("When the endpoint last answered 2xx (seconds since the epoch; 0: never since start)")
                    .baseUnit("seconds")
                    .tag("endpoint", name)
                    .register(metrics);
            Gauge.builder("vienna.notifier.consecutive.failures", endpoint, EndpointDelivery::consecutiveFailures)
                    .description("Failed attempts to the endpoint since its last success")
                    .tag("endpoint", name)
                    .register(metrics);
            Gauge.builder("vienna.notifier.events.waiting", endpoint, EndpointDelivery::waiting)
                    .description("Events queued, in flight or waiting for a retry to the endpoint")
                    .tag("endpoint", name)
                    .register(metrics);
        }
        Gauge.builder("vienna.notifier.notifications.unread", delivery, DeliveryLoop::lag)
                .description("Notifications on the topic not read by the delivery loop yet")
                .register(metrics);
    }

    private void outcome(
            EndpointDelivery endpoint,
            String name,
            String outcome,
            java.util.function.ToDoubleFunction<EndpointDelivery> count) {
        FunctionCounter.builder("vienna.notifier.deliveries", endpoint, count)
                .description("Delivery attempts by outcome: delivered (2xx), retried (failed, tried again), failed"
                        + " (given up and dead-lettered)")
                .tag("endpoint", name)
                .tag("outcome", outcome)
                .register(metrics);
    }
}
