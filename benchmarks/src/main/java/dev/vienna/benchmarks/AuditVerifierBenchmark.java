package dev.vienna.benchmarks;

import dev.vienna.events.AuditCheckpoint;
import dev.vienna.events.AuditRecord;
import dev.vienna.events.AvroSerde;
import dev.vienna.sdk.evidence.ChainOrigin;
import dev.vienna.sdk.evidence.Checkpoint;
import dev.vienna.sdk.evidence.MerkleFrontier;
import dev.vienna.sdk.evidence.NoteSignerKey;
import dev.vienna.sdk.evidence.TreeHasher;
import dev.vienna.sdk.kafka.audit.AuditChain;
import dev.vienna.sdk.kafka.audit.AuditLogVerifier;
import dev.vienna.sdk.kafka.audit.AuditVerification;
import dev.vienna.sdk.kafka.audit.RawRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@code ./vienna audit verify} costs per record once the bytes are read: {@link AuditLogVerifier} over a log of
 * {@value #RECORDS} raw records on 4 chains (Avro decode, sequence, id, link and content hash, Merkle append), with a
 * signed checkpoint of each chain every 1,000 records (Ed25519 verification and a root per checkpoint). Payloads are
 * JSON-like bytes of {@code payloadBytes}. The score is records per second on one thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AuditVerifierBenchmark {

    static final int RECORDS = 20_000;
    private static final int CHAINS = 4;
    private static final int CHECKPOINT_EVERY = 1_000;
    private static final String DEPLOYMENT = "vienna.bench";

    @Param({"300", "600"})
    public int payloadBytes;

    private final List<RawRecord> records = new ArrayList<>();
    private final List<RawRecord> checkpoints = new ArrayList<>();
    private AuditLogVerifier.Settings settings;

    @Setup
    public void setUp() {
        NoteSignerKey key = NoteSignerKey.generate(DEPLOYMENT + "/audit");
        settings = AuditLogVerifier.Settings.trusting(List.of(key.verifierKey()))
                .forDeployment(DEPLOYMENT)
                .requiringCheckpoints(true);
        AvroSerde<AuditRecord> recordSerde = new AvroSerde<>(AuditRecord.class);
        AvroSerde<AuditCheckpoint> checkpointSerde = new AvroSerde<>(AuditCheckpoint.class);
        TreeHasher hasher = new TreeHasher();
        Random random = new Random(1);
        Instant now = Instant.parse("2026-12-01T10:00:00Z");
        for (int chain = 0; chain < CHAINS; chain++) {
            MerkleFrontier tree = MerkleFrontier.empty(hasher);
            String previous = AuditChain.GENESIS;
            for (int sequence = 0; sequence < RECORDS / CHAINS; sequence++) {
                AuditRecord record = AuditRecord.newBuilder()
                        .setRecordId(AuditChain.recordId(chain, sequence))
                        .setChain(chain)
                        .setSequence(sequence)
                        .setIntentId("0b8f4c1e-6a55-4a4e-9a8b-" + String.format("%012d", sequence))
                        .setTenantId("acme")
                        .setEventId("6a554a4e-9a8b-1c2d-3e4f-" + String.format("%012d", random.nextInt(1_000_000)))
                        .setEventType("IntentAccepted")
                        .setSourceTopic("intents")
                        .setSourcePartition(chain)
                        .setSourceOffset(sequence)
                        .setOccurredAt(now.plusMillis(sequence))
                        .setRecordedAt(now.plusMillis(sequence + 3))
                        .setPayload(ByteBuffer.wrap(payload(random)))
                        .setSummary("intent accepted: restart_service api-gateway")
                        .setPreviousHash(previous)
                        .setHash("")
                        .build();
                record.setHash(AuditChain.hash(record));
                previous = record.getHash();
                tree.append(hasher.leafHashOfChainHash(previous));
                records.add(new RawRecord(
                        chain,
                        sequence,
                        record.getRecordId().getBytes(StandardCharsets.UTF_8),
                        recordSerde.encode(record)));
                if (tree.size() % CHECKPOINT_EVERY == 0) {
                    Checkpoint checkpoint =
                            new Checkpoint(new ChainOrigin(DEPLOYMENT, chain).origin(), tree.size(), tree.root());
                    checkpoints.add(new RawRecord(
                            0,
                            checkpoints.size(),
                            Integer.toString(chain).getBytes(StandardCharsets.UTF_8),
                            checkpointSerde.encode(AuditCheckpoint.newBuilder()
                                    .setChain(chain)
                                    .setFirstSequence(0)
                                    .setTreeSize(tree.size())
                                    .setNote(checkpoint.sign(key).format())
                                    .setPublishedAt(now)
                                    .build())));
                }
            }
        }
        AuditVerification check = AuditLogVerifier.verify(settings, checkpoints, records, CHAINS);
        if (!check.intact()) {
            throw new IllegalStateException("the benchmark's log does not verify: " + check.problems());
        }
    }

    private byte[] payload(Random random) {
        StringBuilder json =
                new StringBuilder("{\"intentId\":\"0b8f4c1e\",\"action\":\"restart_service\",\"params\":{");
        while (json.length() < payloadBytes - 2) {
            json.append("\"k")
                    .append(random.nextInt(1000))
                    .append("\":\"")
                    .append(Long.toHexString(random.nextLong()))
                    .append("\",");
        }
        json.setLength(payloadBytes - 2);
        return json.append("}}").toString().getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public AuditVerification verifyLog() {
        return AuditLogVerifier.verify(settings, checkpoints, records, CHAINS);
    }
}
