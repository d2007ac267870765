package dev.vienna.warrant;

import dev.vienna.events.RevocationScope;
import dev.vienna.events.Topics;
import dev.vienna.events.WarrantRevoked;
import dev.vienna.platform.ProblemException;
import dev.vienna.platform.ReliableProducers;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes revocations to {@code warrant-revocations}, keyed by what they revoke, and returns once the broker
 * acknowledged them (acks=all): a 202 means every verifier will see it.
 */
@ApplicationScoped
public class RevocationPublisher {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final KafkaProducer<String, WarrantRevoked> producer;

    @Inject
    public RevocationPublisher(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.producer = new KafkaProducer<>(
                ReliableProducers.config(kafka, "warrant-service-revocations"),
                Topics.WARRANT_REVOCATIONS.keySerde().serializer(),
                Topics.WARRANT_REVOCATIONS.valueSerde().serializer());
    }

    public void publish(WarrantRevoked revoked) {
        String key = revoked.getScope() == RevocationScope.WARRANT
                ? "warrant:" + revoked.getWarrantId()
                : "agent:" + revoked.getAgentId();
        try {
            producer.send(new ProducerRecord<>(Topics.WARRANT_REVOCATIONS.name(), key, revoked))
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProblemException(503, "Revocation not recorded", "interrupted; retry");
        } catch (Exception e) {
            throw new ProblemException(
                    503,
                    "Revocation not recorded",
                    "the broker did not acknowledge it (" + e.getMessage() + "); retry");
        }
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
