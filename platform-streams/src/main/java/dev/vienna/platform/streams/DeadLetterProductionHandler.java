package dev.vienna.platform.streams;

import dev.vienna.events.Topics;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.jboss.logging.Logger;

/**
 * An output record a stage cannot produce is a dead letter, not the end of the stage (Kafka Streams'
 * {@code production.exception.handler}; every Vienna Streams service sets it in platform's
 * {@code microprofile-config.properties}). Its decisions:
 *
 * <ul>
 *   <li><b>The record does not serialize</b>, which includes one larger than a record may be ({@link RecordSizeLimit}
 *       checks the size while serializing and throws {@link RecordTooLargeException}): the <em>input</em> record, as
 *       consumed (key, value, headers), goes to {@link Topics#DEAD_LETTER} with {@code vienna.dlq.reason} =
 *       {@code could not serialize a record for <topic>: <exception class>: <message>} and its source topic, partition
 *       and offset; CONTINUE. Nothing was handed to the producer yet, so the task's transaction is untouched and
 *       exactly-once holds for everything else. This is how Vienna's topologies meet an oversized output: every sink
 *       writes through {@link RecordSizeLimit}.
 *   <li><b>The producer or broker refuses it as too large</b> ({@link RecordTooLargeException} from the send, i.e. a
 *       sink without {@link RecordSizeLimit}, or a topic whose limit is below it). At least once: the failed output
 *       record (key and headers; its value, too large, is left out) is dead-lettered with the reason and the output
 *       topic as its source ({@code -1} partition and offset: it was never written); CONTINUE. Under exactly-once:
 *       FAIL, without a dead letter. Kafka's 4.1 producer has already moved the transaction to an abortable error
 *       state, so whatever this handler answers, the transaction aborts and the input is processed again; the same
 *       error is then also reported for the innocent records sent after it in that transaction (seen on a real broker),
 *       so a dead letter here would name records that are fine and repeat on every retry. The log names the topic whose
 *       sink needs {@link RecordSizeLimit}.
 *   <li><b>A retriable error</b> ({@link RetriableException}: a timeout, not enough replicas, a leader moving): RETRY,
 *       which Kafka Streams turns into re-initializing the task from its last commit. Nothing is skipped, nothing is
 *       written twice.
 *   <li><b>Anything else</b> (an unknown broker error; the dead letter itself not acknowledged within 30 s): FAIL. The
 *       stage stops with nothing of the open transaction committed and processes the record again after a restart;
 *       CONTINUE would drop a record that is not known to be at fault, silently weakening exactly-once. (Kafka Streams
 *       itself fails on authorization, fencing and similar errors before asking this handler.)
 * </ul>
 *
 * <p>Kafka Streams 4.1 cannot take dead-letter records back from a handler to produce them in the task's transaction
 * (KIP-1034 adds that after 4.1), so the dead letter is written by the handler's own idempotent producer and awaited
 * before CONTINUE ({@link DeadLetterWriter}): durable, but at least once.
 */
public final class DeadLetterProductionHandler implements ProductionExceptionHandler {

    private static final Logger LOG = Logger.getLogger(DeadLetterProductionHandler.class);

    private DeadLetterWriter writer;
    private boolean exactlyOnce;

    @Override
    public void configure(Map<String, ?> configs) {
        writer = DeadLetterWriter.configuredBy(configs);
        exactlyOnce = StreamsConfig.EXACTLY_ONCE_V2.equals(
                String.valueOf(configs.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)));
    }

    /** Kafka Streams 4.1 declares the record raw here: its key and value are the unserialized output. */
    @Override
    @SuppressWarnings("rawtypes")
    public ProductionExceptionHandlerResponse handleSerializationException(
            ErrorHandlerContext context,
            ProducerRecord record,
            Exception exception,
            SerializationExceptionOrigin origin) {
        String reason = "could not serialize a record for " + record.topic() + ": "
                + DeadLetterProcessingHandler.describe(exception);
        boolean source = context != null && context.topic() != null;
        byte[] key = source && context.sourceRawKey() != null
                ? context.sourceRawKey()
                : DeadLetterProcessingHandler.bytesOf(record.key());
        byte[] value = source ? context.sourceRawValue() : null;
        if (source && value == null) {
            reason += " (Kafka Streams no longer held the input's bytes)";
        }
        return deadLetter(
                key,
                value,
                source ? context.headers() : record.headers(),
                source ? context.timestamp() : -1,
                reason,
                source ? context.topic() : record.topic(),
                source ? context.partition() : -1,
                source ? context.offset() : -1);
    }

    @Override
    public ProductionExceptionHandlerResponse handle(
            ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        String reason = "could not produce a record to " + record.topic() + ": "
                + DeadLetterProcessingHandler.describe(exception);
        if (exception instanceof RecordTooLargeException && exactlyOnce) {
            LOG.errorf(
                    "%s: under exactly-once the transaction aborts whatever the handler answers; the stage stops and"
                            + " processes the input again. Write to %s through RecordSizeLimit, so an oversized record"
                            + " is dead-lettered while it is serialized",
                    reason, record.topic());
            return ProductionExceptionHandlerResponse.FAIL;
        }
        if (exception instanceof RecordTooLargeException) {
            Long timestamp = record.timestamp();
            return deadLetter(
                    record.key(),
                    null,
                    record.headers(),
                    timestamp == null ? -1 : timestamp,
                    reason + " (value of " + (record.value() == null ? 0 : record.value().length) + " bytes left out)",
                    record.topic(),
                    record.partition() == null ? -1 : record.partition(),
                    -1);
        }
        if (exception instanceof RetriableException) {
            LOG.warnf("%s: retrying the task from its last commit", reason);
            return ProductionExceptionHandlerResponse.RETRY;
        }
        LOG.errorf(exception, "%s: not known to be the record's fault, the stage stops", reason);
        return ProductionExceptionHandlerResponse.FAIL;
    }

    private ProductionExceptionHandlerResponse deadLetter(
            byte[] key,
            byte[] value,
            Headers headers,
            long timestamp,
            String reason,
            String sourceTopic,
            int sourcePartition,
            long sourceOffset) {
        try {
            writer.write(key, value, headers, timestamp, reason, sourceTopic, sourcePartition, sourceOffset);
        } catch (DeadLetterWriter.NotWritten e) {
            LOG.errorf(e, "%s: the stage stops", reason);
            return ProductionExceptionHandlerResponse.FAIL;
        }
        LOG.warnf("%s: %s-%d@%d dead-lettered, going on", reason, sourceTopic, sourcePartition, sourceOffset);
        return ProductionExceptionHandlerResponse.CONTINUE;
    }
}
