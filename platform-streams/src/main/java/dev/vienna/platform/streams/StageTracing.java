package dev.vienna.platform.streams;

import dev.vienna.platform.tracing.RecordTracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * One span per record a Kafka Streams stage processes, named {@code <service> process <topic>} (kind CONSUMER, with the
 * topic, partition, offset and key), child of the context in the record's {@code traceparent} header. It is a
 * pass-through node right after the stage's source ({@link DeadLetterRouting#decodeOrDeadLetter} puts one there for
 * every stage that reads through it; {@link #addAfter} does it for a Processor API topology): Kafka Streams processes a
 * record depth first and synchronously, so the span, current while the record is forwarded, covers everything the stage
 * does with it down to its sinks' sends. It replaces the record's {@code traceparent} with its own before forwarding,
 * and a record forwarded downstream keeps its input's headers (unless a processor builds a new record: that processor
 * copies the trace context itself), so every record the stage writes is the span's child.
 *
 * <p>Why not Kafka's {@code processor.wrapper.class} (KIP-1112): it wraps every processor node, where one span per
 * record per stage is wanted, and must be passed to the topology builder anyway.
 */
public final class StageTracing {

    /** The span name of a stage's processing of one record of {@code topic}. */
    public static String spanName(String service, String topic) {
        return service + " process " + topic;
    }

    /** A pass-through DSL node ({@code processValues}) tracing each record of {@code topic} for {@code service}. */
    public static <K, V> FixedKeyProcessor<K, V, V> fixedKey(RecordTracing tracing, String service, String topic) {
        return new FixedKeyProcessor<>() {
            private final Stage stage = new Stage(tracing, spanName(service, topic), topic);
            private FixedKeyProcessorContext<K, V> context;

            @Override
            public void init(FixedKeyProcessorContext<K, V> context) {
                this.context = context;
            }

            @Override
            public void process(FixedKeyRecord<K, V> record) {
                stage.process(context.recordMetadata(), record.key(), record.headers(), () -> context.forward(record));
            }
        };
    }

    /**
     * Adds a pass-through node {@code name} tracing each record of {@code topic} after {@code source} in a Processor
     * API topology: make it the parent of what {@code source} fed.
     */
    public static void addAfter(
            Topology topology, String name, String source, RecordTracing tracing, String service, String topic) {
        topology.addProcessor(
                name,
                () -> new Processor<Object, Object, Object, Object>() {
                    private final Stage stage = new Stage(tracing, spanName(service, topic), topic);
                    private ProcessorContext<Object, Object> context;

                    @Override
                    public void init(ProcessorContext<Object, Object> context) {
                        this.context = context;
                    }

                    @Override
                    public void process(Record<Object, Object> record) {
                        stage.process(
                                context.recordMetadata(),
                                record.key(),
                                record.headers(),
                                () -> context.forward(record));
                    }
                },
                source);
    }

    /** The span around one record's processing. */
    private record Stage(RecordTracing tracing, String name, String topic) {

        void process(Optional<RecordMetadata> metadata, Object key, Headers headers, Runnable forward) {
            Context context = tracing.startProcessing(
                    name,
                    headers,
                    metadata.map(RecordMetadata::topic).orElse(topic),
                    metadata.map(RecordMetadata::partition).orElse(-1),
                    metadata.map(RecordMetadata::offset).orElse(-1L),
                    keyText(key));
            Span span = Span.fromContext(context);
            Scope scope = context.makeCurrent();
            try {
                tracing.inject(context, headers);
                forward.run();
            } catch (RuntimeException e) {
                span.recordException(e);
                span.setStatus(StatusCode.ERROR);
                throw e;
            } finally {
                scope.close();
                span.end();
            }
        }

        private static String keyText(Object key) {
            if (key instanceof String text) {
                return text;
            }
            if (key instanceof byte[] bytes && bytes.length <= 256) {
                return new String(bytes, StandardCharsets.UTF_8);
            }
            return null;
        }
    }

    private StageTracing() {}
}
