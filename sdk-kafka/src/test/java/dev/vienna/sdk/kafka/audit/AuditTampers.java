package dev.vienna.sdk.kafka.audit;

import static dev.vienna.sdk.kafka.audit.AuditProblem.Kind.CHECKPOINT_BAD_SIGNATURE;
import static dev.vienna.sdk.kafka.audit.AuditProblem.Kind.CHECKPOINT_MALFORMED;
import static dev.vienna.sdk.kafka.audit.AuditProblem.Kind.CHECKPOINT_UNKNOWN_KEY;
import static dev.vienna.sdk.kafka.audit.AuditProblem.Kind.CHECKPOINT_WRONG_ORIGIN;
import static dev.vienna.sdk.kafka.audit.AuditProblem.Kind.CONTENT_ALTERED;
import static dev.vienna.sdk.kafka.audit.AuditProblem.Kind.EMPTY_LOG;
import static dev.vienna.sdk.kafka.audit.AuditProblem.Kind.MISSING_CHAIN;
import static dev.vienna.sdk.kafka.audit.AuditProblem.Kind.REORDERED;
import static dev.vienna.sdk.kafka.audit.AuditProblem.Kind.ROOT_MISMATCH;
import static dev.vienna.sdk.kafka.audit.AuditProblem.Kind.SEQUENCE_GAP;
import static dev.vienna.sdk.kafka.audit.AuditProblem.Kind.TOMBSTONE;
import static dev.vienna.sdk.kafka.audit.AuditProblem.Kind.TRUNCATED;
import static dev.vienna.sdk.kafka.audit.AuditProblem.Kind.UNDECODABLE;

import dev.vienna.events.AuditCheckpoint;
import dev.vienna.events.AuditRecord;
import dev.vienna.sdk.evidence.NoteSignerKey;
import dev.vienna.sdk.kafka.audit.AuditProblem.Kind;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The tampered logs both verifier suites run: each starts from {@link #base()}, changes what an attacker or a fault
 * could change in the stored records, and says which problem kinds the verifier must name, the first one first.
 */
final class AuditTampers {

    /** Chain 0 has 10 records, chain 1 has 7, chain 2 has 5, checkpointed every 4 records, on 3 partitions. */
    static StoredLog base() {
        return StoredLog.valid(3, 4, 10, 7, 5);
    }

    /**
     * @param name what was done
     * @param log the tampered log
     * @param first the kind the verifier must name first
     * @param allowed every kind the verifier may name (consequences of the same change)
     */
    record Tamper(String name, Supplier<StoredLog> log, Kind first, List<Kind> allowed) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Tamper> all() {
        return List.of(
                new Tamper(
                        "a changed byte in a record's payload",
                        AuditTampers::payloadByteChanged,
                        CONTENT_ALTERED,
                        List.of(CONTENT_ALTERED)),
                new Tamper(
                        "a dropped record",
                        () -> removed(base(), 0, 3),
                        SEQUENCE_GAP,
                        List.of(SEQUENCE_GAP, ROOT_MISMATCH)),
                new Tamper("a reordered pair", AuditTampers::swapped, REORDERED, List.of(REORDERED, ROOT_MISMATCH)),
                new Tamper("a truncated tail", AuditTampers::truncated, TRUNCATED, List.of(TRUNCATED)),
                new Tamper(
                        "a rewritten and rehashed suffix",
                        AuditTampers::rewritten,
                        ROOT_MISMATCH,
                        List.of(ROOT_MISMATCH)),
                new Tamper("a tombstone", AuditTampers::tombstone, TOMBSTONE, List.of(TOMBSTONE)),
                new Tamper("a deleted chain", AuditTampers::deletedChain, MISSING_CHAIN, List.of(MISSING_CHAIN)),
                new Tamper(
                        "a checkpoint signed with another key",
                        AuditTampers::otherKey,
                        CHECKPOINT_UNKNOWN_KEY,
                        List.of(CHECKPOINT_UNKNOWN_KEY)),
                new Tamper(
                        "a checkpoint whose text changed after signing",
                        AuditTampers::badSignature,
                        CHECKPOINT_BAD_SIGNATURE,
                        List.of(CHECKPOINT_BAD_SIGNATURE)),
                new Tamper(
                        "a checkpoint for another deployment",
                        AuditTampers::otherDeployment,
                        CHECKPOINT_WRONG_ORIGIN,
                        List.of(CHECKPOINT_WRONG_ORIGIN)),
                new Tamper("garbage bytes as a record", AuditTampers::garbageRecord, UNDECODABLE, List.of(UNDECODABLE)),
                new Tamper(
                        "garbage bytes instead of a record",
                        AuditTampers::garbageInstead,
                        UNDECODABLE,
                        List.of(UNDECODABLE, SEQUENCE_GAP, ROOT_MISMATCH)),
                new Tamper(
                        "garbage bytes as a checkpoint",
                        AuditTampers::garbageCheckpoint,
                        CHECKPOINT_MALFORMED,
                        List.of(CHECKPOINT_MALFORMED)),
                new Tamper("an empty log", () -> new StoredLog(3), EMPTY_LOG, List.of(EMPTY_LOG)));
    }

    private static StoredLog payloadByteChanged() {
        return base().rewrite(0, 2, value -> {
            byte[] changed = value.clone();
            int at = indexOf(changed, "payload-2".getBytes(StandardCharsets.UTF_8));
            changed[at + 1] ^= 0x20; // "pAyload-2"
            return changed;
        });
    }

    static StoredLog removed(StoredLog log, int partition, int index) {
        log.partition(partition).remove(index);
        return log;
    }

    private static StoredLog swapped() {
        StoredLog log = base();
        Collections.swap(log.partition(0), 5, 6);
        return log;
    }

    private static StoredLog truncated() {
        StoredLog log = base();
        List<RawRecord> chain = log.partition(0);
        chain.subList(7, chain.size()).clear(); // the newest checkpoint commits to 8
        return log;
    }

    /** Record 5 of chain 0 rewritten and every hash from it on recomputed: the hash chain alone would verify. */
    private static StoredLog rewritten() {
        List<AuditRecord> records = AuditFixtures.chain(0, 10);
        StoredLog log = base();
        records.get(5).setSummary("nothing happened");
        AuditFixtures.rehashFrom(records, 5);
        log.partition(0).clear();
        log.add(records);
        return log;
    }

    private static StoredLog tombstone() {
        return base().append(new RawRecord(1, 0, AuditFixtures.key(AuditChain.recordId(1, 2)), null));
    }

    private static StoredLog deletedChain() {
        StoredLog log = base();
        log.partition(2).clear();
        return log;
    }

    private static StoredLog otherKey() {
        NoteSignerKey impostor = NoteSignerKey.fromSeed(AuditFixtures.DEPLOYMENT + "/audit", filled(7));
        return base().add(
                        AuditFixtures.checkpoint(impostor, AuditFixtures.DEPLOYMENT, AuditFixtures.chain(1, 7), 0, 7));
    }

    /** The log key's checkpoint of chain 1 at 4 records, its size changed to 7 after signing. */
    private static StoredLog badSignature() {
        AuditCheckpoint checkpoint = AuditFixtures.checkpoint(AuditFixtures.chain(1, 7), 4);
        checkpoint.setNote(checkpoint.getNote().replace("\n4\n", "\n7\n"));
        checkpoint.setTreeSize(7);
        return base().add(checkpoint);
    }

    private static StoredLog otherDeployment() {
        return base().add(AuditFixtures.checkpoint(
                AuditFixtures.LOG_KEY, "other.deployment", AuditFixtures.chain(1, 7), 0, 4));
    }

    private static StoredLog garbageRecord() {
        return base().append(new RawRecord(1, 0, AuditFixtures.key("1-000000000007"), garbage(300)));
    }

    private static StoredLog garbageInstead() {
        return base().rewrite(2, 1, value -> garbage(value.length));
    }

    private static StoredLog garbageCheckpoint() {
        return base().appendCheckpoint(AuditFixtures.key("0"), garbage(120));
    }

    static byte[] garbage(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }

    private static byte[] filled(int value) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new IllegalArgumentException("not found");
    }

    private AuditTampers() {}
}
