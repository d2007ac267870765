package dev.vienna.audit;

import dev.vienna.events.AuditRecord;
import dev.vienna.events.IntentLifecycle;
import dev.vienna.sdk.kafka.audit.AuditChain;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Appends one audit record per consumed record to the chain of its partition (the chain head, sequence and hash, lives
 * in a store), and advances the intent's lifecycle. Runs under exactly_once_v2, so the chain head, the lifecycle and
 * the audit record commit together.
 */
final class AuditAppender implements Processor<byte[], byte[], String, AuditRecord> {

    private final Clock clock;
    private final EventInterpreter interpreter = new EventInterpreter();
    private ProcessorContext<String, AuditRecord> context;
    private KeyValueStore<Integer, String> chainHeads;
    private KeyValueStore<String, IntentLifecycle> lifecycles;

    AuditAppender(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, AuditRecord> context) {
        this.context = context;
        this.chainHeads = context.getStateStore(AuditTopology.CHAIN_HEADS_STORE);
        this.lifecycles = context.getStateStore(AuditTopology.LIFECYCLES_STORE);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        Observation observation = interpreter.interpret(
                source.topic(), record.value(), record.headers(), Instant.ofEpochMilli(record.timestamp()));
        AuditRecord audit = append(source, observation, record.value());
        // only a record keyed by its intent is on the intent's partition: others (revocations, keyed by
        // what they revoke) are chained but must not start a second lifecycle in a foreign partition
        if (observation.intentId() != null && observation.intentId().equals(text(record.key()))) {
            lifecycles.put(
                    observation.intentId(),
                    Lifecycles.advance(lifecycles.get(observation.intentId()), observation, audit.getRecordId()));
        }
        context.forward(new Record<>(audit.getRecordId(), audit, record.timestamp()));
    }

    private static String text(byte[] key) {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    private AuditRecord append(RecordMetadata source, Observation o, byte[] payload) {
        int chain = source.partition();
        String head = chainHeads.get(chain);
        long sequence = head == null ? 0 : Long.parseLong(head.substring(0, head.indexOf(' '))) + 1;
        String previousHash = head == null ? AuditChain.GENESIS : head.substring(head.indexOf(' ') + 1);
        AuditRecord audit = AuditRecord.newBuilder()
                .setRecordId(AuditChain.recordId(chain, sequence))
                .setChain(chain)
                .setSequence(sequence)
                .setIntentId(o.intentId())
                .setTenantId(o.tenantId())
                .setEventId(o.eventId())
                .setEventType(o.eventType())
                .setSourceTopic(source.topic())
                .setSourcePartition(source.partition())
                .setSourceOffset(source.offset())
                .setOccurredAt(o.occurredAt())
                .setRecordedAt(clock.instant().truncatedTo(ChronoUnit.MILLIS))
                .setPayload(ByteBuffer.wrap(payload == null ? new byte[0] : payload))
                .setSummary(o.summary())
                .setPreviousHash(previousHash)
                .setHash("")
                .build();
        audit.setHash(AuditChain.hash(audit));
        chainHeads.put(chain, sequence + " " + audit.getHash());
        return audit;
    }
}
