package dev.vienna.sdk.kafka.audit;

import dev.vienna.events.AuditCheckpoint;
import dev.vienna.events.AuditRecord;
import dev.vienna.events.AvroSerde;
import dev.vienna.sdk.evidence.ChainOrigin;
import dev.vienna.sdk.evidence.Checkpoint;
import dev.vienna.sdk.evidence.MerkleFrontier;
import dev.vienna.sdk.evidence.NoteSignerKey;
import dev.vienna.sdk.evidence.TreeHasher;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Audit records, and signed checkpoints of them, for the chain and verifier tests. */
final class AuditFixtures {

    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    static final String DEPLOYMENT = "vienna.test";
    static final NoteSignerKey LOG_KEY = NoteSignerKey.fromSeed(DEPLOYMENT + "/audit", new byte[32]);

    private static final AvroSerde<AuditRecord> RECORDS = new AvroSerde<>(AuditRecord.class);
    private static final AvroSerde<AuditCheckpoint> CHECKPOINTS = new AvroSerde<>(AuditCheckpoint.class);

    /** A well-formed chain of n records on one chain number. */
    static List<AuditRecord> chain(int chainNumber, int n) {
        List<AuditRecord> records = new ArrayList<>();
        String previous = AuditChain.GENESIS;
        for (int i = 0; i < n; i++) {
            AuditRecord record = record(chainNumber, i, previous, ("payload-" + i).getBytes(StandardCharsets.UTF_8));
            previous = record.getHash();
            records.add(record);
        }
        return records;
    }

    /** Record {@code sequence} of a chain, linked to {@code previousHash} and hashed. */
    static AuditRecord record(int chainNumber, long sequence, String previousHash, byte[] payload) {
        AuditRecord record = AuditRecord.newBuilder()
                .setRecordId(AuditChain.recordId(chainNumber, sequence))
                .setChain(chainNumber)
                .setSequence(sequence)
                .setIntentId("int-" + sequence)
                .setTenantId("acme")
                .setEventId("evt-" + sequence)
                .setEventType("IntentAccepted")
                .setSourceTopic("intents")
                .setSourcePartition(chainNumber)
                .setSourceOffset(sequence)
                .setOccurredAt(NOW.plusSeconds(sequence))
                .setRecordedAt(NOW.plusSeconds(sequence))
                .setPayload(ByteBuffer.wrap(payload))
                .setSummary("accepted " + sequence)
                .setPreviousHash(previousHash)
                .setHash("")
                .build();
        record.setHash(AuditChain.hash(record));
        return record;
    }

    /** The records re-hashed from {@code from} on, as an attacker who rewrites history would. */
    static void rehashFrom(List<AuditRecord> records, int from) {
        for (int i = from; i < records.size(); i++) {
            AuditRecord record = records.get(i);
            record.setPreviousHash(
                    i == 0 ? AuditChain.GENESIS : records.get(i - 1).getHash());
            record.setHash(AuditChain.hash(record));
        }
    }

    /** The records as stored on their chain's partition: key the record id, value the encoding, offsets from 0. */
    static List<RawRecord> stored(List<AuditRecord> records) {
        List<RawRecord> raw = new ArrayList<>();
        for (AuditRecord record : records) {
            raw.add(new RawRecord(record.getChain(), raw.size(), key(record.getRecordId()), RECORDS.encode(record)));
        }
        return raw;
    }

    static byte[] encode(AuditRecord record) {
        return RECORDS.encode(record);
    }

    static byte[] key(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The checkpoint of the first {@code size} records of {@code records} from index {@code first} (whose sequence is
     * the tree's first), signed by {@code key} for {@code deployment}.
     */
    static AuditCheckpoint checkpoint(
            NoteSignerKey key, String deployment, List<AuditRecord> records, int first, int size) {
        TreeHasher hasher = new TreeHasher();
        MerkleFrontier tree = MerkleFrontier.empty(hasher);
        for (AuditRecord record : records.subList(first, first + size)) {
            tree.append(hasher.leafHashOfChainHash(record.getHash()));
        }
        int chain = records.get(0).getChain();
        long firstSequence = records.get(first).getSequence();
        Checkpoint checkpoint = new Checkpoint(
                new ChainOrigin(deployment, chain).origin(),
                size,
                tree.root(),
                firstSequence == 0
                        ? List.of()
                        : List.of(AuditLogVerifier.FIRST_SEQUENCE_EXTENSION + " " + firstSequence));
        return AuditCheckpoint.newBuilder()
                .setChain(chain)
                .setFirstSequence(firstSequence)
                .setTreeSize(size)
                .setNote(checkpoint.sign(key).format())
                .setPublishedAt(NOW.plusSeconds(size))
                .build();
    }

    /** The log's own checkpoint of a chain's first {@code size} records. */
    static AuditCheckpoint checkpoint(List<AuditRecord> records, int size) {
        return checkpoint(LOG_KEY, DEPLOYMENT, records, 0, size);
    }

    /** Checkpoints as stored on the checkpoints topic (one partition here), keyed by chain number. */
    static List<RawRecord> storedCheckpoints(List<AuditCheckpoint> checkpoints) {
        List<RawRecord> raw = new ArrayList<>();
        for (AuditCheckpoint checkpoint : checkpoints) {
            raw.add(new RawRecord(
                    0, raw.size(), key(Integer.toString(checkpoint.getChain())), CHECKPOINTS.encode(checkpoint)));
        }
        return raw;
    }

    static byte[] encode(AuditCheckpoint checkpoint) {
        return CHECKPOINTS.encode(checkpoint);
    }

    private AuditFixtures() {}
}
