package dev.vienna.platform.streams;

import dev.vienna.events.DeadLetterHeaders;
import dev.vienna.events.Topic;
import dev.vienna.events.Topics;
import dev.vienna.platform.tracing.RecordTracing;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * The way every Kafka Streams stage reads a topic: as raw bytes, decoded by the topic's own serde inside the topology.
 * A record that does not decode goes to {@link Topics#DEAD_LETTER} with its original key and value untouched and the
 * reason in headers; the stream goes on. (Kafka Streams' own deserialization handlers can only log-and-skip or stop,
 * which loses the record or the stage.) A record that decodes but then cannot be processed or produced is dead-lettered
 * by {@link DeadLetterProcessingHandler} and {@link DeadLetterProductionHandler}.
 */
public final class DeadLetterRouting {

    /**
     * The topic's decoded records, keyed by intentId. Undecodable ones are written to the dead-letter topic by a branch
     * of this sub-topology. Each record is processed in a span of {@code service}'s ({@link StageTracing}), whose trace
     * context every record written for it carries, dead letters included.
     */
    public static <V> KStream<String, V> decodeOrDeadLetter(
            StreamsBuilder builder, Topic<V> topic, String service, RecordTracing tracing) {
        String prefix = topic.name() + "-decode";
        KStream<String, Decoded<V>> decoded = builder.stream(
                        topic.name(),
                        Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(topic.name() + "-source"))
                .processValues(
                        () -> StageTracing.<String, byte[]>fixedKey(tracing, service, topic.name()),
                        Named.as(topic.name() + "-trace"))
                .processValues(() -> new Decode<>(topic, service), Named.as(prefix));
        return deadLetterOrPass(decoded, prefix, "failed", "ok");
    }

    /**
     * The records of {@code stream} that {@code refusal} lets through. A record it refuses (a reason) goes to the
     * dead-letter topic, its value re-encoded with {@code topic}'s serde and the reason in the {@code vienna.dlq.*}
     * headers, so a refusal is never silent: the audit log shows it.
     */
    public static <V> KStream<String, V> refuseOrPass(
            KStream<String, V> stream,
            Topic<V> topic,
            Function<V, Optional<String>> refusal,
            String service,
            String name) {
        KStream<String, Decoded<V>> checked =
                stream.processValues(() -> new Refuse<>(topic, refusal, service), Named.as(name));
        return deadLetterOrPass(checked, name, "refused", "passed");
    }

    /**
     * Splits {@code checked} into branches {@code <name>-<failed>} and {@code <name>-<passed>}: the raw bytes of a
     * record without a value go to the dead-letter topic, the values of the others are returned.
     */
    private static <V> KStream<String, V> deadLetterOrPass(
            KStream<String, Decoded<V>> checked, String name, String failed, String passed) {
        Map<String, KStream<String, Decoded<V>>> branches = checked.split(Named.as(name + "-"))
                .branch((key, value) -> value.value() == null, Branched.as(failed))
                .defaultBranch(Branched.as(passed));
        branches.get(name + "-" + failed)
                .mapValues(Decoded::raw, Named.as(name + "-raw"))
                .to(Topics.DEAD_LETTER.name(), RecordSizeLimit.produced(Topics.DEAD_LETTER, name + "-dead-letter"));
        return branches.get(name + "-" + passed).mapValues(Decoded::value, Named.as(name + "-value"));
    }

    private static final class Refuse<V> implements FixedKeyProcessor<String, V, Decoded<V>> {
        private final Topic<V> topic;
        private final Function<V, Optional<String>> refusal;
        private final String service;
        private final Serializer<V> serializer;
        private FixedKeyProcessorContext<String, Decoded<V>> context;

        Refuse(Topic<V> topic, Function<V, Optional<String>> refusal, String service) {
            this.topic = topic;
            this.refusal = refusal;
            this.service = service;
            this.serializer = topic.valueSerde().serializer();
        }

        @Override
        public void init(FixedKeyProcessorContext<String, Decoded<V>> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<String, V> record) {
            Optional<String> reason = refusal.apply(record.value());
            if (reason.isEmpty()) {
                context.forward(record.withValue(new Decoded<>(record.value(), null)));
                return;
            }
            byte[] raw = serializer.serialize(topic.name(), record.value());
            var metadata = context.recordMetadata();
            DeadLetterHeaders.describe(
                    record.headers(),
                    reason.get(),
                    service,
                    metadata.map(m -> m.topic()).orElse(topic.name()),
                    metadata.map(m -> m.partition()).orElse(-1),
                    metadata.map(m -> m.offset()).orElse(-1L),
                    System.currentTimeMillis());
            context.forward(record.withValue(new Decoded<>(null, raw)));
        }
    }

    /** A decoded value, or the raw bytes of one that failed (value null). */
    record Decoded<V>(V value, byte[] raw) {}

    private static final class Decode<V> implements FixedKeyProcessor<String, byte[], Decoded<V>> {
        private final Topic<V> topic;
        private final String service;
        private final Deserializer<V> deserializer;
        private FixedKeyProcessorContext<String, Decoded<V>> context;

        Decode(Topic<V> topic, String service) {
            this.topic = topic;
            this.service = service;
            this.deserializer = topic.valueSerde().deserializer();
        }

        @Override
        public void init(FixedKeyProcessorContext<String, Decoded<V>> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<String, byte[]> record) {
            String reason;
            try {
                V value = deserializer.deserialize(topic.name(), record.value());
                if (value != null) {
                    context.forward(record.withValue(new Decoded<>(value, record.value())));
                    return;
                }
                reason = "null value (tombstone) where an event was expected";
            } catch (RuntimeException e) {
                reason = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
            }
            var metadata = context.recordMetadata().orElseThrow();
            DeadLetterHeaders.describe(
                    record.headers(),
                    reason,
                    service,
                    metadata.topic(),
                    metadata.partition(),
                    metadata.offset(),
                    System.currentTimeMillis());
            context.forward(record.withValue(new Decoded<>(null, record.value())));
        }
    }

    private DeadLetterRouting() {}
}
