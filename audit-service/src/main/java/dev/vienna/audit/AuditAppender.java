package dev.vienna.audit;

import dev.vienna.events.AuditRecord;
import dev.vienna.events.IntentLifecycle;
import dev.vienna.platform.tracing.RecordTracing;
import dev.vienna.sdk.kafka.audit.AuditChain;
import io.opentelemetry.context.Context;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Appends one audit record per consumed record to the chain of its partition (the chain head, sequence and hash, lives
 * in a store), and advances the intent's lifecycle. Runs under exactly_once_v2, so the chain head, the lifecycle and
 * the audit record commit together.
 *
 * <p>An audit record must fit in one Kafka record (1 MiB), and audit-service cannot dead-letter what does not (it
 * audits {@code dead-letter} itself; a record the producer refuses would abort the transaction and stop the stage). So
 * a payload larger than {@value #MAX_PAYLOAD_BYTES} bytes is not kept: the record is chained with an empty payload and
 * a summary that gives the payload's size and SHA-256, which the record's hash covers; and a summary is cut to
 * {@value #MAX_SUMMARY_CHARS} characters.
 */
final class AuditAppender implements Processor<byte[], byte[], String, AuditRecord> {

    /** The largest source payload an audit record keeps byte for byte (half the 1 MiB record limit). */
    static final int MAX_PAYLOAD_BYTES = 512 * 1024;

    /** The longest summary an audit record keeps (at most 48 KiB as UTF-8). */
    static final int MAX_SUMMARY_CHARS = 16 * 1024;

    private final Clock clock;
    private final RecordTracing tracing;
    private final EventInterpreter interpreter = new EventInterpreter();
    private ProcessorContext<String, AuditRecord> context;
    private KeyValueStore<Integer, String> chainHeads;
    private KeyValueStore<String, IntentLifecycle> lifecycles;

    AuditAppender(Clock clock, RecordTracing tracing) {
        this.clock = clock;
        this.tracing = tracing;
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
        byte[] payload = record.value() == null ? new byte[0] : record.value();
        boolean kept = payload.length <= MAX_PAYLOAD_BYTES;
        Observation observation = summarized(
                interpreter.interpret(
                        source.topic(), record.value(), record.headers(), Instant.ofEpochMilli(record.timestamp())),
                payload,
                kept);
        AuditRecord audit = append(source, observation, kept ? payload : new byte[0]);
        // only a record keyed by its intent is on the intent's partition: others (revocations, keyed by
        // what they revoke) are chained but must not start a second lifecycle in a foreign partition
        if (observation.intentId() != null && observation.intentId().equals(text(record.key()))) {
            lifecycles.put(
                    observation.intentId(),
                    Lifecycles.advance(lifecycles.get(observation.intentId()), observation, audit.getRecordId()));
        }
        // the audit record carries the trace of the append (the stage's span), not the source record's other headers
        context.forward(
                new Record<>(audit.getRecordId(), audit, record.timestamp(), tracing.headers(Context.current())));
    }

    /** The observation's summary cut to its limit, and saying so when the payload is not kept. */
    private static Observation summarized(Observation observation, byte[] payload, boolean kept) {
        String summary = observation.summary();
        if (summary.length() > MAX_SUMMARY_CHARS) {
            int cut = Character.isHighSurrogate(summary.charAt(MAX_SUMMARY_CHARS - 1))
                    ? MAX_SUMMARY_CHARS - 1
                    : MAX_SUMMARY_CHARS;
            summary = summary.substring(0, cut) + "... (" + (summary.length() - cut) + " more characters not kept)";
        }
        if (!kept) {
            summary += "; payload of " + payload.length
                    + " bytes not kept: larger than the audit record limit; its SHA-256 is " + sha256(payload);
        }
        return summary.equals(observation.summary()) ? observation : observation.withSummary(summary);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
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
                .setPayload(ByteBuffer.wrap(payload))
                .setSummary(o.summary())
                .setPreviousHash(previousHash)
                .setHash("")
                .build();
        audit.setHash(AuditChain.hash(audit));
        chainHeads.put(chain, sequence + " " + audit.getHash());
        return audit;
    }
}
