package dev.vienna.platform.streams;

import dev.vienna.events.DeadLetterHeaders;
import dev.vienna.events.Topics;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.jboss.logging.Logger;

/**
 * Writes the dead letters of Kafka Streams' exception handlers ({@link DeadLetterProcessingHandler},
 * {@link DeadLetterProductionHandler}) to {@link Topics#DEAD_LETTER} and waits until the broker acknowledged each, so a
 * handler answers CONTINUE only for a record that is durably set aside. Kafka Streams 4.1 gives a handler no way to
 * hand a record back for Streams to produce in the task's transaction (that is KIP-1034, not in 4.1), so this writes
 * with a producer of its own: idempotent, {@code acks=all}, built from the Streams configuration (the same cluster, the
 * same credentials; the application's principal already writes {@code dead-letter}). One producer per distinct
 * configuration in the JVM, opened at the first dead letter and kept: handlers are created per task and never closed,
 * and a service that never dead-letters never opens it.
 *
 * <p>Not transactional: when the task's transaction later aborts (a crash before its commit), the input is processed
 * again and its dead letter is written a second time, with the same key, value and source coordinates. Dead letters are
 * at least once; nothing else the stage writes is affected.
 */
final class DeadLetterWriter {

    /**
     * Streams configuration key: a {@code Producer<byte[], byte[]>} instance to write with instead of one built from
     * the Streams configuration (tests pass a {@code MockProducer}).
     */
    static final String PRODUCER_CONFIG = "vienna.dead-letter.producer";

    private static final Logger LOG = Logger.getLogger(DeadLetterWriter.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ConcurrentMap<Map<String, Object>, Producer<byte[], byte[]>> SHARED =
            new ConcurrentHashMap<>();

    private final String service;
    private final Map<String, ?> streamsConfigs;
    private volatile Producer<byte[], byte[]> producer;

    private DeadLetterWriter(String service, Map<String, ?> streamsConfigs, Producer<byte[], byte[]> producer) {
        this.service = service;
        this.streamsConfigs = streamsConfigs;
        this.producer = producer;
    }

    /** A writer for the application the Streams configuration {@code configs} describes. */
    static DeadLetterWriter configuredBy(Map<String, ?> configs) {
        Object id = configs.get(StreamsConfig.APPLICATION_ID_CONFIG);
        String service = id == null ? "unknown-streams-application" : id.toString();
        Producer<byte[], byte[]> given = null;
        if (configs.get(PRODUCER_CONFIG) instanceof Producer<?, ?> supplied) {
            @SuppressWarnings("unchecked") // the key's contract: a producer of raw bytes
            Producer<byte[], byte[]> bytes = (Producer<byte[], byte[]>) supplied;
            given = bytes;
        }
        return new DeadLetterWriter(service, Collections.unmodifiableMap(new HashMap<>(configs)), given);
    }

    /** The application id, named as the dead letters' {@code vienna.dlq.service}. */
    String service() {
        return service;
    }

    /**
     * Writes one dead letter: the original key, value and headers plus the {@code vienna.dlq.*} headers, and returns
     * once the broker acknowledged it. A value too large for a record is left out (the headers say where the original
     * is) rather than lose the dead letter.
     *
     * @throws NotWritten when the broker did not take it: the caller must not drop the record
     */
    void write(
            byte[] key,
            byte[] value,
            Headers original,
            long timestamp,
            String reason,
            String sourceTopic,
            int sourcePartition,
            long sourceOffset) {
        try {
            send(key, value, original, timestamp, reason, sourceTopic, sourcePartition, sourceOffset);
        } catch (RecordTooLargeException e) {
            String where = sourceTopic == null
                    ? ""
                    : "; the original is " + sourceTopic + "-" + sourcePartition + "@" + sourceOffset;
            send(
                    key,
                    null,
                    original,
                    timestamp,
                    reason + " (value of " + (value == null ? 0 : value.length)
                            + " bytes left out: too large for a dead letter" + where + ")",
                    sourceTopic,
                    sourcePartition,
                    sourceOffset);
        }
    }

    private void send(
            byte[] key,
            byte[] value,
            Headers original,
            long timestamp,
            String reason,
            String sourceTopic,
            int sourcePartition,
            long sourceOffset) {
        Headers headers = new RecordHeaders(original == null ? new Header[0] : original.toArray());
        DeadLetterHeaders.describe(
                headers, reason, service, sourceTopic, sourcePartition, sourceOffset, System.currentTimeMillis());
        var record = new ProducerRecord<>(
                Topics.DEAD_LETTER.name(), null, timestamp < 0 ? null : timestamp, key, value, headers);
        try {
            producer().send(record).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RecordTooLargeException tooLarge) {
                throw tooLarge;
            }
            throw new NotWritten(reason, e.getCause());
        } catch (TimeoutException e) {
            throw new NotWritten(reason, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotWritten(reason, e);
        } catch (RecordTooLargeException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new NotWritten(reason, e);
        }
    }

    private Producer<byte[], byte[]> producer() {
        Producer<byte[], byte[]> current = producer;
        if (current == null) {
            Map<String, Object> config = producerConfig(streamsConfigs, service);
            current = SHARED.computeIfAbsent(config, KafkaProducer::new);
            producer = current;
            LOG.infof(
                    "dead letters of %s are written by producer %s",
                    service, config.get(ProducerConfig.CLIENT_ID_CONFIG));
        }
        return current;
    }

    /** The Streams application's producer settings (cluster, credentials, overrides), without a transaction. */
    static Map<String, Object> producerConfig(Map<String, ?> streamsConfigs, String service) {
        Map<String, Object> config =
                new HashMap<>(new QuietStreamsConfig(streamsConfigs).getProducerConfigs(service + "-dead-letters"));
        config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TIMEOUT.toMillis());
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        return config;
    }

    /** A dead letter the broker did not acknowledge. */
    static final class NotWritten extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotWritten(String reason, Throwable cause) {
            super("dead letter not written (" + reason + "): " + cause, cause);
        }
    }

    /** The Streams configuration, read without logging every value once more. */
    private static final class QuietStreamsConfig extends StreamsConfig {
        QuietStreamsConfig(Map<String, ?> props) {
            super(props, false);
        }
    }
}
