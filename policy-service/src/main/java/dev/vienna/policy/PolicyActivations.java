package dev.vienna.policy;

import dev.vienna.events.PolicyActivated;
import dev.vienna.events.Topics;
import dev.vienna.platform.ReliableProducers;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

/**
 * Publishes policy activations and refusals to {@code policy-activations}, keyed by instance. The send is asynchronous
 * (a reload must not wait for the broker); the idempotent producer retries, and a send that still fails is logged with
 * the event.
 */
@ApplicationScoped
public class PolicyActivations {

    private static final Logger LOG = Logger.getLogger(PolicyActivations.class);

    private final KafkaProducer<String, PolicyActivated> producer;

    @Inject
    public PolicyActivations(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.producer = new KafkaProducer<>(
                ReliableProducers.config(kafka, "policy-service-activations"),
                Topics.POLICY_ACTIVATIONS.keySerde().serializer(),
                Topics.POLICY_ACTIVATIONS.valueSerde().serializer());
    }

    public void publish(PolicyActivated activation) {
        producer.send(
                new ProducerRecord<>(Topics.POLICY_ACTIVATIONS.name(), activation.getInstance(), activation),
                (metadata, error) -> {
                    if (error != null) {
                        LOG.errorf(error, "policy activation event not recorded: %s", activation);
                    }
                });
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
