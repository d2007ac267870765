package dev.vienna.sdk.kafka.audit;

import dev.vienna.events.AuditRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The audit log's hash chain. A chain is one partition of the audit topic; record n of a chain has sequence n and
 * carries the hash of record n-1 (the first carries {@link #GENESIS}). A record's hash is SHA-256 over its canonical
 * form: every field but the hash itself, length-prefixed, in a fixed order, so no field can change without changing the
 * hash ({@link CanonicalForm}).
 *
 * <p>{@link #verify} checks the hash chain alone; {@link AuditLogVerifier} checks a log from its raw records, against
 * its signed checkpoints too, and is what auditors should use.
 */
public final class AuditChain {

    public static final String GENESIS = "0".repeat(64);

    public static String recordId(int chain, long sequence) {
        return String.format("%d-%012d", chain, sequence);
    }

    public static String hash(AuditRecord r) {
        byte[] hash = new byte[CanonicalForm.HASH_SIZE];
        new CanonicalForm().hashInto(r, hash);
        return HexFormat.of().formatHex(hash);
    }

    /**
     * Replays records (each chain in its order, chains interleaved as they come) and recomputes every link. The report
     * names the first record that does not fit, per chain.
     */
    public static Report verify(Iterable<AuditRecord> records) {
        Map<Integer, AuditRecord> lastOfChain = new HashMap<>();
        Set<Integer> chains = new HashSet<>();
        Set<Integer> broken = new HashSet<>();
        List<Break> breaks = new ArrayList<>();
        long count = 0;
        for (AuditRecord record : records) {
            count++;
            int chain = record.getChain();
            chains.add(chain);
            if (broken.contains(chain)) {
                continue;
            }
            AuditRecord previous = lastOfChain.get(chain);
            Optional<String> problem = problemWith(record, previous);
            if (problem.isPresent()) {
                breaks.add(new Break(chain, record.getSequence(), record.getRecordId(), problem.get()));
                broken.add(chain);
            } else {
                lastOfChain.put(chain, record);
            }
        }
        return new Report(count, chains.size(), breaks);
    }

    private static Optional<String> problemWith(AuditRecord record, AuditRecord previous) {
        long expectedSequence = previous == null ? 0 : previous.getSequence() + 1;
        String expectedPrevious = previous == null ? GENESIS : previous.getHash();
        if (record.getSequence() != expectedSequence) {
            return Optional.of("sequence " + record.getSequence() + " where " + expectedSequence
                    + " was expected (record missing or reordered)");
        }
        if (!record.getRecordId().equals(recordId(record.getChain(), record.getSequence()))) {
            return Optional.of("record id " + record.getRecordId() + " does not match its chain and sequence");
        }
        if (!record.getPreviousHash().equals(expectedPrevious)) {
            return Optional.of("previous hash does not match the hash of the record before it");
        }
        String recomputed = hash(record);
        if (!recomputed.equals(record.getHash())) {
            return Optional.of("hash does not match the record's content (content altered)");
        }
        return Optional.empty();
    }

    /** The outcome of a replay: how many records and chains, and the first break in each broken chain. */
    public record Report(long records, int chains, List<Break> breaks) {
        public boolean intact() {
            return breaks.isEmpty();
        }
    }

    public record Break(int chain, long sequence, String recordId, String problem) {}

    private AuditChain() {}
}
