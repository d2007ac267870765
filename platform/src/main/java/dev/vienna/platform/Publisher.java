package dev.vienna.platform;

import dev.vienna.events.Topic;
import io.opentelemetry.context.Context;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * The one way a Vienna service publishes a record outside a Kafka Streams topology: through SmallRye Reactive
 * Messaging's Kafka connector (channel {@value #CHANNEL}: acks=all, idempotent; configured in platform's
 * {@code META-INF/microprofile-config.properties}), encoded by the topic's own serde, keyed as the caller says, and
 * returning only once the broker acknowledged it. A record that was not acknowledged raises {@link NotPublished}, which
 * {@link ProblemResponses} answers as 503 with {@code Retry-After} when repeating the request can help, and 413 when
 * the record can never be written (too large for the broker).
 *
 * <p>Traced: the connector starts a PRODUCER span ({@code <topic> publish}) as a child of the caller's current span and
 * carries its W3C context in the record's {@code traceparent} header, where the next stage picks it up.
 */
@ApplicationScoped
public class Publisher {

    /** The outgoing channel every publishing service shares; the topic is chosen per record. */
    public static final String CHANNEL = "vienna-publications";

    private final Map<Topic<?>, Serializer<?>> serializers = new ConcurrentHashMap<>();

    @Inject
    @Channel(CHANNEL)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
    Emitter<byte[]> emitter;

    /**
     * Publishes {@code value} to {@code topic} under {@code key} and waits up to {@code timeout} for the broker's
     * acknowledgement.
     *
     * @throws NotPublished when the record was refused or not acknowledged in time; nothing may be assumed written
     */
    public <V> void publish(Topic<V> topic, String key, V value, Duration timeout) {
        publish(topic, key, value, Map.of(), timeout);
    }

    /** The same with record headers (a dead letter's {@code vienna.dlq.*}). */
    public <V> void publish(Topic<V> topic, String key, V value, Map<String, String> headers, Duration timeout) {
        byte[] bytes;
        try {
            bytes = serializer(topic).serialize(topic.name(), value);
        } catch (RuntimeException e) {
            throw new NotPublished(topic, "it could not be encoded: " + e.getMessage(), false, e);
        }
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        Message<byte[]> message = Message.of(
                        bytes,
                        Metadata.of(
                                OutgoingKafkaRecordMetadata.<String>builder()
                                        .withTopic(topic.name())
                                        .withKey(key)
                                        .withHeaders(recordHeaders(headers))
                                        .build(),
                                // the caller's trace (an HTTP request's span): the connector's publish span is its
                                // child and writes its own context into the record's traceparent header, whichever
                                // thread the channel sends from
                                TracingMetadata.withCurrent(Context.current())))
                .withAck(() -> {
                    acknowledged.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(failure -> {
                    acknowledged.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                });
        try {
            emitter.send(message);
            acknowledged.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            boolean never = cause instanceof RecordTooLargeException || cause instanceof SerializationException;
            throw new NotPublished(topic, "the broker refused it: " + cause, !never, cause);
        } catch (TimeoutException e) {
            throw new NotPublished(topic, "the broker did not acknowledge it within " + timeout, true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotPublished(topic, "interrupted while waiting for the broker", true, e);
        } catch (RuntimeException e) {
            // the emitter refuses while its buffer is full or its channel is down
            throw new NotPublished(topic, "the publishing channel refused it: " + e.getMessage(), true, e);
        }
    }

    private static RecordHeaders recordHeaders(Map<String, String> headers) {
        RecordHeaders recordHeaders = new RecordHeaders();
        headers.forEach((name, value) -> recordHeaders.add(name, value.getBytes(StandardCharsets.UTF_8)));
        return recordHeaders;
    }

    @SuppressWarnings("unchecked")
    private <V> Serializer<V> serializer(Topic<V> topic) {
        return (Serializer<V>)
                serializers.computeIfAbsent(topic, t -> t.valueSerde().serializer());
    }

    /** A record that is not known to be written; {@link #retriable()}: the same request may succeed later. */
    public static final class NotPublished extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final String topic;
        private final boolean retriable;

        NotPublished(Topic<?> topic, String reason, boolean retriable, Throwable cause) {
            super("not recorded on " + topic.name() + ": " + reason, cause);
            this.topic = topic.name();
            this.retriable = retriable;
        }

        public String topic() {
            return topic;
        }

        public boolean retriable() {
            return retriable;
        }
    }
}
