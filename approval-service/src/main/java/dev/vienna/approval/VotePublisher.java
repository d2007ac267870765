package dev.vienna.approval;

import dev.vienna.events.ApprovalVoteCast;
import dev.vienna.events.Topics;
import dev.vienna.platform.ProblemException;
import dev.vienna.platform.ReliableProducers;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes operators' votes to {@code approval-votes}, keyed by intentId, and returns only once the broker
 * acknowledged them (acks=all, idempotent): a 202 means the topology will see the vote.
 */
@ApplicationScoped
public class VotePublisher {

    private final KafkaProducer<String, ApprovalVoteCast> producer;
    private final Duration timeout;

    @Inject
    public VotePublisher(@Identifier("default-kafka-broker") Map<String, Object> kafka, ApprovalConfig config) {
        this.producer = new KafkaProducer<>(
                ReliableProducers.config(kafka, "approval-service-votes"),
                Topics.APPROVAL_VOTES.keySerde().serializer(),
                Topics.APPROVAL_VOTES.valueSerde().serializer());
        this.timeout = config.publishTimeout();
    }

    /** Sends and waits for the acknowledgement; a 503 problem when none comes in time. */
    public void publish(ApprovalVoteCast vote) {
        try {
            producer.send(new ProducerRecord<>(Topics.APPROVAL_VOTES.name(), vote.getIntentId(), vote))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProblemException(503, "Vote not recorded", "interrupted while publishing; vote again");
        } catch (ExecutionException | TimeoutException e) {
            String why = e instanceof ExecutionException
                    ? e.getCause().getMessage()
                    : "no acknowledgement within " + timeout;
            throw new ProblemException(
                    503, "Vote not recorded", "the broker did not acknowledge the vote (" + why + "); vote again");
        }
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
