package dev.vienna.sdk.kafka.audit;

import dev.vienna.events.AuditRecord;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
 * hash.
 */
public final class AuditChain {

    public static final String GENESIS = "0".repeat(64);

    public static String recordId(int chain, long sequence) {
        return String.format("%d-%012d", chain, sequence);
    }

    public static String hash(AuditRecord r) {
        try {
            ByteArrayOutputStream bytes =
                    new ByteArrayOutputStream(256 + r.getPayload().remaining());
            DataOutputStream out = new DataOutputStream(bytes);
            text(out, r.getRecordId());
            out.writeInt(r.getChain());
            out.writeLong(r.getSequence());
            text(out, r.getIntentId());
            text(out, r.getTenantId());
            text(out, r.getEventId());
            text(out, r.getEventType());
            text(out, r.getSourceTopic());
            out.writeInt(r.getSourcePartition());
            out.writeLong(r.getSourceOffset());
            out.writeLong(r.getOccurredAt().toEpochMilli());
            out.writeLong(r.getRecordedAt().toEpochMilli());
            ByteBuffer payload = r.getPayload().duplicate();
            out.writeInt(payload.remaining());
            while (payload.hasRemaining()) {
                out.write(payload.get());
            }
            text(out, r.getSummary());
            text(out, r.getPreviousHash());
            out.flush();
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private static void text(DataOutputStream out, String value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
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
