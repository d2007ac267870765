package dev.vienna.audit;

import dev.vienna.events.AuditRecord;
import dev.vienna.events.IntentLifecycle;
import dev.vienna.platform.tracing.RecordTracing;
import dev.vienna.sdk.evidence.TreeHasher;
import dev.vienna.sdk.kafka.audit.AuditChain;
import io.opentelemetry.context.Context;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Appends one audit record per consumed record to the chain of its partition and advances the intent's lifecycle. The
 * chain's head ({@link ChainHead}: last sequence and hash, and the RFC 9162 Merkle tree over the chain) lives in a
 * store, the tree's complete tiles and larger subtrees in another ({@link ChainTree}). Runs under exactly_once_v2, so
 * the chain head, the lifecycle and the audit record commit together.
 *
 * <p>Each chain is checkpointed ({@link Checkpointer}) once it has {@code records} records more than at its last
 * checkpoint, or by a wall-clock punctuator once {@code interval} has passed with new records: the signed checkpoint
 * goes to {@code audit-checkpoints} in the same transaction as the records it covers. When a checkpoint was last made
 * is kept in memory only: after a restart a chain is checkpointed again at the first punctuation (the same tree gives
 * the same checkpoint; Ed25519 signatures are deterministic).
 *
 * <p>An audit record must fit in one Kafka record (1 MiB), and audit-service cannot dead-letter what does not (it
 * audits {@code dead-letter} itself; a record the producer refuses would abort the transaction and stop the stage). So
 * a payload larger than {@value #MAX_PAYLOAD_BYTES} bytes is not kept: the record is chained with an empty payload and
 * a summary that gives the payload's size and SHA-256, which the record's hash covers; and a summary is cut to
 * {@value #MAX_SUMMARY_CHARS} characters.
 */
final class AuditAppender implements Processor<byte[], byte[], String, SpecificRecord> {

    /** The largest source payload an audit record keeps byte for byte (half the 1 MiB record limit). */
    static final int MAX_PAYLOAD_BYTES = 512 * 1024;

    /** The longest summary an audit record keeps (at most 48 KiB as UTF-8). */
    static final int MAX_SUMMARY_CHARS = 16 * 1024;

    private final Clock clock;
    private final RecordTracing tracing;
    private final Checkpointer checkpointer;
    private final EventInterpreter interpreter = new EventInterpreter();
    /** One per task: a tree hasher reuses its digest and is not thread-safe. */
    private final TreeHasher hasher = new TreeHasher();
    /** Per chain, the tree size of its last checkpoint made by this processor. */
    private final Map<Integer, Long> checkpointed = new HashMap<>();

    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<Integer, String> chainHeads;
    private KeyValueStore<String, byte[]> treeNodes;
    private KeyValueStore<String, IntentLifecycle> lifecycles;

    AuditAppender(Clock clock, RecordTracing tracing, Checkpointer checkpointer) {
        this.clock = clock;
        this.tracing = tracing;
        this.checkpointer = checkpointer;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.chainHeads = context.getStateStore(AuditTopology.CHAIN_HEADS_STORE);
        this.treeNodes = context.getStateStore(ChainTree.STORE);
        this.lifecycles = context.getStateStore(AuditTopology.LIFECYCLES_STORE);
        context.schedule(checkpointer.interval(), PunctuationType.WALL_CLOCK_TIME, now -> checkpointChanged());
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
                new Record<>(audit.getRecordId(), audit, record.timestamp(), tracing.headers(Context.current())),
                AuditTopology.AUDIT_SINK);
    }

    /** Checkpoints every chain of this task that has records its last checkpoint does not cover. */
    private void checkpointChanged() {
        try (KeyValueIterator<Integer, String> heads = chainHeads.all()) {
            while (heads.hasNext()) {
                var entry = heads.next();
                ChainHead head = ChainHead.parse(entry.value, hasher);
                if (head.tree().size() > checkpointed.getOrDefault(entry.key, 0L)) {
                    checkpoint(entry.key, head);
                }
            }
        }
    }

    private void checkpoint(int chain, ChainHead head) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        context.forward(
                new Record<>(String.valueOf(chain), checkpointer.sign(chain, head, now), now.toEpochMilli()),
                AuditTopology.CHECKPOINTS_SINK);
        checkpointed.put(chain, head.tree().size());
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
        ChainHead head = ChainHead.parse(chainHeads.get(chain), hasher);
        long sequence = head.sequence() + 1;
        String previousHash = head.hash();
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
        ChainHead next = head.next(
                sequence,
                audit.getHash(),
                hasher,
                (tile, leaves) -> ChainTree.store(chain, tile, leaves, hasher, treeNodes::get, treeNodes::put));
        chainHeads.put(chain, next.format());
        if (next.tree().size() - checkpointed.getOrDefault(chain, 0L) >= checkpointer.records()) {
            checkpoint(chain, next);
        }
        return audit;
    }
}
