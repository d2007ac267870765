package dev.vienna.platform.streams;

import dev.vienna.events.AvroSerde;
import dev.vienna.events.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Record;
import org.jboss.logging.Logger;

/**
 * A record whose processing throws is a dead letter, not the end of the stage (Kafka Streams'
 * {@code processing.exception.handler}, KIP-1033; every Vienna Streams service sets it in platform's
 * {@code microprofile-config.properties}): the input record as it was consumed (key, value and headers, byte for byte)
 * goes to {@link Topics#DEAD_LETTER} with {@code vienna.dlq.reason} = {@code processing failed in <node>: <exception
 * class>: <message>}, {@code vienna.dlq.service} = the application id and the source topic, partition and offset; then
 * the stage goes on with the next record. When Kafka Streams no longer holds the input's bytes (it frees them once a
 * first output of the record was sent), the record as the failing processor saw it is written instead: re-encoded when
 * it is a contract event, else the headers alone say where the original is.
 *
 * <p>What the failing record already did stays done: outputs it forwarded and store writes it made before the exception
 * are committed with the rest (that is what CONTINUE means); Vienna's processors validate before they write.
 *
 * <p>FAIL (the stage stops, nothing of the open transaction is committed, the record is processed again after a
 * restart) in three cases, because skipping the record would not be its own fault or would lose it:
 *
 * <ul>
 *   <li>Kafka Streams' own errors ({@link StreamsException}: a state store or task that broke): the next records would
 *       fail the same way, and each would be set aside although nothing is wrong with it;
 *   <li>retriable client errors ({@link RetriableException}, e.g. a timeout): the same;
 *   <li>the dead letter itself is not written (the broker refuses it or does not acknowledge it within 30 s): CONTINUE
 *       would drop the record.
 * </ul>
 *
 * An exception in a punctuator itself (no record) is logged and the punctuator runs again at its next interval; a
 * record a punctuator forwarded that then fails downstream is dead-lettered as it was forwarded (no source offset:
 * {@code -1}).
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {

    private static final Logger LOG = Logger.getLogger(DeadLetterProcessingHandler.class);

    private DeadLetterWriter writer;

    @Override
    public void configure(Map<String, ?> configs) {
        writer = DeadLetterWriter.configuredBy(configs);
    }

    @Override
    public ProcessingHandlerResponse handle(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        String reason = "processing failed in " + context.processorNodeId() + ": " + describe(exception);
        if (exception instanceof StreamsException || exception instanceof RetriableException) {
            LOG.errorf(exception, "%s, task %s: not the record's fault, the stage stops", reason, context.taskId());
            return ProcessingHandlerResponse.FAIL;
        }
        if (record == null) {
            LOG.errorf(
                    exception,
                    "%s (a punctuator, task %s): it runs again at its next interval",
                    reason,
                    context.taskId());
            return ProcessingHandlerResponse.CONTINUE;
        }
        byte[] key = context.sourceRawKey() != null ? context.sourceRawKey() : bytesOf(record.key());
        byte[] value = context.sourceRawValue() != null ? context.sourceRawValue() : bytesOf(record.value());
        try {
            writer.write(
                    key,
                    value,
                    context.headers(),
                    context.timestamp(),
                    reason,
                    context.topic(),
                    context.partition(),
                    context.offset());
        } catch (DeadLetterWriter.NotWritten e) {
            LOG.errorf(
                    e,
                    "%s at %s-%d@%d: the stage stops",
                    reason,
                    context.topic(),
                    context.partition(),
                    context.offset());
            return ProcessingHandlerResponse.FAIL;
        }
        LOG.warnf(
                exception,
                "%s: %s-%d@%d dead-lettered, going on",
                reason,
                context.topic(),
                context.partition(),
                context.offset());
        return ProcessingHandlerResponse.CONTINUE;
    }

    /** The exception's class and message, as {@code vienna.dlq.reason} names it. */
    static String describe(Exception exception) {
        return exception.getMessage() == null
                ? exception.getClass().getName()
                : exception.getClass().getName() + ": " + exception.getMessage();
    }

    /** The bytes of a key or value Kafka Streams no longer holds raw: text, bytes, or a contract event re-encoded. */
    static byte[] bytesOf(Object data) {
        if (data instanceof byte[] bytes) {
            return bytes;
        }
        if (data instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if (data instanceof SpecificRecord event) {
            try {
                return encode(event.getClass().asSubclass(SpecificRecord.class), event);
            } catch (RuntimeException e) {
                return null;
            }
        }
        return null;
    }

    private static <T extends SpecificRecord> byte[] encode(Class<T> type, SpecificRecord event) {
        return new AvroSerde<>(type).encode(type.cast(event));
    }
}
