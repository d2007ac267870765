package dev.vienna.audit;

import dev.vienna.events.AuditRecord;
import dev.vienna.events.AvroSerde;
import dev.vienna.events.ExecutionReported;
import dev.vienna.events.IntentLifecycle;
import dev.vienna.events.Topic;
import dev.vienna.events.Topics;
import dev.vienna.platform.streams.RecordSizeLimit;
import dev.vienna.platform.streams.StageTracing;
import dev.vienna.platform.tracing.RecordTracing;
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
 * partition number on {@code audit}, and signs checkpoints of each chain on {@code audit-checkpoints}. All topics share
 * one partition count and the intent-scoped ones are keyed by intentId, so one task sees every event of an intent;
 * audit partition p holds chain p (records of topics keyed otherwise, such as revocations, are chained on the partition
 * they were written to). Also keeps each intent's lifecycle in {@value #LIFECYCLES_STORE}.
 *
 * <p>The same sources of {@code warrants}, {@code warrant-claims} and {@code executions} also feed the
 * {@link ExecutionVerifier}, which writes one verdict per judged report (or unreported warrant) to
 * {@code execution-verdicts}, keyed by intentId; that topic is audited like every other, so each verdict is chained and
 * recorded on its intent's lifecycle. One topology, one exactly-once transaction per commit: the verifier's stores, its
 * verdicts and the audit chain commit together.
 */
public final class AuditTopology {

    public static final String SERVICE = "audit-service";
    public static final String CHAIN_HEADS_STORE = "audit-chain-heads";
    public static final String LIFECYCLES_STORE = "intent-lifecycles";
    static final String AUDIT_SINK = "audit-sink";
    static final String CHECKPOINTS_SINK = "audit-checkpoints-sink";
    private static final String APPENDER = "audit-appender";
    private static final String VERIFIER = "execution-verifier";

    /** What the log records: {@link Topics#audited()}. */
    static List<Topic<?>> audited() {
        return Topics.audited();
    }

    private static String source(Topic<?> topic) {
        return "source-" + topic.name();
    }

    private static String traced(Topic<?> topic) {
        return "trace-" + topic.name();
    }

    /**
     * The audit topology: {@code clock} stamps audit records' {@code recordedAt} and checkpoints; {@code checkpointer}
     * signs the chains' checkpoints; {@code verification} configures the {@link ExecutionVerifier}.
     */
    static Topology buildTopology(
            Clock clock, Checkpointer checkpointer, VerificationSettings verification, RecordTracing tracing) {
        Topology topology = new Topology();
        List<Topic<?>> sources = audited();
        for (Topic<?> topic : sources) {
            topology.addSource(
                    AutoOffsetReset.earliest(),
                    source(topic),
                    new ByteArrayDeserializer(),
                    new ByteArrayDeserializer(),
                    topic.name());
            // one span per consumed record, around both the appender and the verifier
            StageTracing.addAfter(topology, traced(topic), source(topic), tracing, SERVICE, topic.name());
        }
        topology.addProcessor(
                APPENDER,
                () -> new AuditAppender(clock, tracing, checkpointer),
                sources.stream().map(AuditTopology::traced).toArray(String[]::new));
        topology.addStateStore(
                // cached: a chain's head changes with every record, and the cache writes it to the changelog once per
                // commit, not once per record (so too the tree's nodes and the lifecycles)
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(CHAIN_HEADS_STORE), Serdes.Integer(), Serdes.String())
                        .withCachingEnabled(),
                APPENDER);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(ChainTree.STORE), Serdes.String(), Serdes.ByteArray())
                        .withCachingEnabled(),
                APPENDER);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(LIFECYCLES_STORE),
                                Serdes.String(),
                                new AvroSerde<>(IntentLifecycle.class))
                        .withCachingEnabled(),
                APPENDER);
        topology.addSink(
                AUDIT_SINK,
                Topics.AUDIT.name(),
                Topics.AUDIT.keySerde().serializer(),
                Topics.AUDIT.valueSerde().serializer(),
                chainPartition(),
                APPENDER);
        topology.addSink(
                CHECKPOINTS_SINK,
                Topics.AUDIT_CHECKPOINTS.name(),
                Topics.AUDIT_CHECKPOINTS.keySerde().serializer(),
                Topics.AUDIT_CHECKPOINTS.valueSerde().serializer(),
                (topic, key, value, partitions) -> Optional.of(Set.of(value.getChain() % partitions)),
                APPENDER);
        addVerifier(topology, verification, tracing);
        return topology;
    }

    /**
     * The verifier, a second child of the warrants, claims and executions sources (a topic feeds one source node only),
     * with its own stores and a sink on {@code execution-verdicts} (default partitioner on the intentId key, so a
     * verdict lands on its intent's partition).
     */
    private static void addVerifier(Topology topology, VerificationSettings verification, RecordTracing tracing) {
        topology.addProcessor(
                VERIFIER,
                () -> new ExecutionVerifier(verification, tracing),
                traced(Topics.WARRANTS),
                traced(Topics.WARRANT_CLAIMS),
                traced(Topics.EXECUTIONS));
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(ExecutionVerifier.WARRANTS_STORE),
                        Serdes.String(),
                        new WatchedWarrantSerde()),
                VERIFIER);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(ExecutionVerifier.HELD_STORE),
                        Serdes.String(),
                        new AvroSerde<>(ExecutionReported.class)),
                VERIFIER);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(ExecutionVerifier.DUE_STORE), Serdes.String(), Serdes.String()),
                VERIFIER);
        topology.addSink(
                "execution-verdicts-sink",
                Topics.EXECUTION_VERDICTS.name(),
                Topics.EXECUTION_VERDICTS.keySerde().serializer(),
                RecordSizeLimit.limit(Topics.EXECUTION_VERDICTS.valueSerde()).serializer(),
                VERIFIER);
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
