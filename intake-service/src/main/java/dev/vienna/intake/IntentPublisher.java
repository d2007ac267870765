package dev.vienna.intake;

import dev.vienna.events.IntentAccepted;
import dev.vienna.events.Topics;
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
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Publishes accepted intents to {@code intents}, keyed by intentId, and returns only once the broker has acknowledged
 * them on every in-sync replica (acks=all, idempotent producer).
 */
@ApplicationScoped
public class IntentPublisher {

    private final KafkaProducer<String, IntentAccepted> producer;

    @Inject
    public IntentPublisher(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.producer = new KafkaProducer<>(
                ReliableProducers.config(kafka, "intake-service"),
                Topics.INTENTS.keySerde().serializer(),
                Topics.INTENTS.valueSerde().serializer());
    }

    /** Sends and waits for the acknowledgement; throws {@link UnavailableException} when none comes in time. */
    public RecordMetadata publish(IntentAccepted intent, Duration timeout) {
        try {
            return producer.send(new ProducerRecord<>(Topics.INTENTS.name(), intent.getIntentId(), intent))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new UnavailableException(
                    "the broker refused the intent: " + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw new UnavailableException("the broker did not acknowledge the intent within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("interrupted while publishing", e);
        }
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(5));
    }

    /** The intent was not durably published; the client may retry with the same idempotency key. */
    public static final class UnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
