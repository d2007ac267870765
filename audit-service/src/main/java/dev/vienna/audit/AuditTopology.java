package dev.vienna.audit;

import dev.vienna.events.AuditRecord;
import dev.vienna.events.AvroSerde;
import dev.vienna.events.IntentLifecycle;
import dev.vienna.events.Topic;
import dev.vienna.events.Topics;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.Stores;

/**
 * Reads every pipeline topic (dead letters included) and appends each record, byte for byte, to the hash chain of its
 * partition number on {@code audit}. All topics share one partition count and the intent-scoped ones are keyed by
 * intentId, so one task sees every event of an intent; audit partition p holds chain p (records of topics keyed
 * otherwise, such as revocations, are chained on the partition they were written to). Also keeps each intent's
 * lifecycle in {@value #LIFECYCLES_STORE}.
 */
public final class AuditTopology {

    public static final String CHAIN_HEADS_STORE = "audit-chain-heads";
    public static final String LIFECYCLES_STORE = "intent-lifecycles";
    private static final String APPENDER = "audit-appender";

    /** Every topic but the audit log itself. */
    static List<Topic<?>> audited() {
        return Topics.all().stream().filter(t -> !t.equals(Topics.AUDIT)).toList();
    }

    public static Topology buildTopology(Clock clock) {
        Topology topology = new Topology();
        List<Topic<?>> sources = audited();
        for (Topic<?> topic : sources) {
            topology.addSource(
                    AutoOffsetReset.earliest(),
                    "source-" + topic.name(),
                    new ByteArrayDeserializer(),
                    new ByteArrayDeserializer(),
                    topic.name());
        }
        topology.addProcessor(
                APPENDER,
                () -> new AuditAppender(clock),
                sources.stream().map(t -> "source-" + t.name()).toArray(String[]::new));
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(CHAIN_HEADS_STORE), Serdes.Integer(), Serdes.String()),
                APPENDER);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(LIFECYCLES_STORE),
                        Serdes.String(),
                        new AvroSerde<>(IntentLifecycle.class)),
                APPENDER);
        topology.addSink(
                "audit-sink",
                Topics.AUDIT.name(),
                Topics.AUDIT.keySerde().serializer(),
                Topics.AUDIT.valueSerde().serializer(),
                chainPartition(),
                APPENDER);
        return topology;
    }

    /** Audit record of chain p goes to audit partition p. */
    private static StreamPartitioner<String, AuditRecord> chainPartition() {
        return new StreamPartitioner<>() {
            @Override
            public Optional<Set<Integer>> partitions(String topic, String key, AuditRecord value, int numPartitions) {
                return Optional.of(Set.of(value.getChain()));
            }
        };
    }

    private AuditTopology() {}
}
