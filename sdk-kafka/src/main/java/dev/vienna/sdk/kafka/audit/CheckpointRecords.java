package dev.vienna.sdk.kafka.audit;

import dev.vienna.events.AuditCheckpoint;
import dev.vienna.sdk.evidence.ChainOrigin;
import dev.vienna.sdk.evidence.Checkpoint;
import dev.vienna.sdk.evidence.NoteVerification;
import dev.vienna.sdk.evidence.NoteVerifierKey;
import dev.vienna.sdk.evidence.SignedNote;
import dev.vienna.sdk.kafka.audit.AuditProblem.Kind;
import dev.vienna.sdk.kafka.audit.AuditProblem.Severity;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Judges the records of the checkpoints topic one by one: a checkpoint is trusted when its value decodes, its signed
 * note parses and is signed by a trusted key (and by no key that fails), its text is a tlog checkpoint whose origin is
 * an audit chain's of the expected deployment, and its record's fields agree with the note. Only the note is evidence:
 * chain, size, root and first sequence are read from it. Never throws on the bytes. <b>Not thread-safe.</b>
 */
final class CheckpointRecords {

    private final List<NoteVerifierKey> trustedKeys;
    private final StrictAvroDecoder<AuditCheckpoint> decoder = new StrictAvroDecoder<>(AuditCheckpoint.class);
    private String deployment;

    /** A checkpoint that passed every check: what it commits to, and where it was read. */
    record Trusted(int chain, long firstSequence, long size, byte[] root, String where, Instant publishedAt) {

        boolean hasRoot(byte[] candidate) {
            return Arrays.equals(root, candidate);
        }

        String describe() {
            return "the checkpoint published " + publishedAt + " (" + size + " records"
                    + (firstSequence == 0 ? "" : " from sequence " + firstSequence) + ")";
        }
    }

    /**
     * @param deployment the deployment checkpoints must be for; when empty, the first trusted checkpoint's deployment,
     *     so one log's checkpoints are at least all for the same one
     */
    CheckpointRecords(List<NoteVerifierKey> trustedKeys, Optional<String> deployment) {
        this.trustedKeys = List.copyOf(trustedKeys);
        this.deployment = deployment.orElse(null);
    }

    /** The checkpoint if it is trusted; otherwise empty, and each problem found went to {@code problems}. */
    Optional<Trusted> judge(RawRecord raw, Consumer<AuditProblem> problems) {
        String where = "audit-checkpoints partition " + raw.partition() + " offset " + raw.offset();
        if (raw.value() == null) {
            int chain = keyChain(raw.key());
            problems.accept(new AuditProblem(
                    Kind.TOMBSTONE,
                    Severity.FAILURE,
                    chain,
                    -1,
                    null,
                    where,
                    "a tombstone among the checkpoints: at compaction it deletes "
                            + (chain >= 0 ? "chain " + chain + "'s" : "the") + " checkpoints"));
            return Optional.empty();
        }
        if (!decoder.decode(raw.value(), null)) {
            problems.accept(malformed(keyChain(raw.key()), where, decoder.problem()));
            return Optional.empty();
        }
        AuditCheckpoint record = decoder.decoded();
        int claimed = record.getChain();
        SignedNote note;
        try {
            note = SignedNote.parse(record.getNote());
        } catch (RuntimeException e) {
            problems.accept(malformed(claimed, where, "not a signed note: " + e.getMessage()));
            return Optional.empty();
        }
        NoteVerification verification = note.verify(trustedKeys);
        if (!verification.trusted()) {
            Kind kind = verification.invalid().isEmpty() ? Kind.CHECKPOINT_UNKNOWN_KEY : Kind.CHECKPOINT_BAD_SIGNATURE;
            problems.accept(new AuditProblem(
                    kind,
                    Severity.FAILURE,
                    claimed,
                    -1,
                    null,
                    where,
                    "the checkpoint is not trusted: " + verification.reason()));
            return Optional.empty();
        }
        Checkpoint checkpoint;
        try {
            checkpoint = Checkpoint.parse(note.text());
        } catch (RuntimeException e) {
            problems.accept(malformed(claimed, where, "the signed text is not a tlog checkpoint: " + e.getMessage()));
            return Optional.empty();
        }
        ChainOrigin origin;
        try {
            origin = ChainOrigin.parse(checkpoint.origin());
        } catch (RuntimeException e) {
            problems.accept(
                    wrongOrigin(claimed, where, "origin " + printable(checkpoint.origin()) + " is " + e.getMessage()));
            return Optional.empty();
        }
        if (deployment == null) {
            deployment = origin.deployment();
        } else if (!deployment.equals(origin.deployment())) {
            problems.accept(wrongOrigin(
                    origin.chain(),
                    where,
                    "the checkpoint is for deployment " + printable(origin.deployment()) + ", not " + deployment));
            return Optional.empty();
        }
        long firstSequence;
        try {
            firstSequence = firstSequence(checkpoint.extensions());
        } catch (IllegalArgumentException e) {
            problems.accept(malformed(origin.chain(), where, e.getMessage()));
            return Optional.empty();
        }
        String disagreement = disagreement(raw.key(), record, origin.chain(), firstSequence, checkpoint.size());
        if (disagreement != null) {
            problems.accept(malformed(origin.chain(), where, disagreement));
        }
        return Optional.of(new Trusted(
                origin.chain(),
                firstSequence,
                checkpoint.size(),
                checkpoint.rootHash(),
                where,
                record.getPublishedAt()));
    }

    /** The leaf 0 sequence an extension line {@code vienna-first-sequence <n>} names; 0 without one. */
    private static long firstSequence(List<String> extensions) {
        String prefix = AuditLogVerifier.FIRST_SEQUENCE_EXTENSION + " ";
        List<String> lines =
                extensions.stream().filter(l -> l.startsWith(prefix)).toList();
        if (lines.isEmpty()) {
            return 0;
        }
        if (lines.size() > 1) {
            throw new IllegalArgumentException("the checkpoint names its first sequence twice");
        }
        String number = lines.get(0).substring(prefix.length());
        if (!number.matches("[1-9][0-9]{0,18}")) {
            throw new IllegalArgumentException(
                    "the checkpoint's first sequence is not a positive decimal number: " + printable(number));
        }
        try {
            return Long.parseLong(number);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the checkpoint's first sequence is too large");
        }
    }

    /** Why the record's own fields and key disagree with its signed note, or null when they agree. */
    private static String disagreement(byte[] key, AuditCheckpoint record, int chain, long first, long size) {
        List<String> differences = new ArrayList<>();
        if (record.getChain() != chain) {
            differences.add("chain " + record.getChain() + " (the note: " + chain + ")");
        }
        if (record.getFirstSequence() != first) {
            differences.add("first sequence " + record.getFirstSequence() + " (the note: " + first + ")");
        }
        if (record.getTreeSize() != size) {
            differences.add("tree size " + record.getTreeSize() + " (the note: " + size + ")");
        }
        if (key == null || !new String(key, StandardCharsets.UTF_8).equals(Integer.toString(chain))) {
            differences.add("key " + (key == null ? "none" : printable(new String(key, StandardCharsets.UTF_8)))
                    + " (the chain: " + chain + ")");
        }
        return differences.isEmpty()
                ? null
                : "the record disagrees with its signed note: " + String.join(", ", differences);
    }

    private static AuditProblem malformed(int chain, String where, String reason) {
        return new AuditProblem(Kind.CHECKPOINT_MALFORMED, Severity.FAILURE, chain, -1, null, where, reason);
    }

    private static AuditProblem wrongOrigin(int chain, String where, String reason) {
        return new AuditProblem(Kind.CHECKPOINT_WRONG_ORIGIN, Severity.FAILURE, chain, -1, null, where, reason);
    }

    private static int keyChain(byte[] key) {
        if (key == null || key.length == 0 || key.length > 10) {
            return -1;
        }
        try {
            int chain = Integer.parseInt(new String(key, StandardCharsets.US_ASCII));
            return chain >= 0 ? chain : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Text from the log, safe to print: control characters replaced, at most 100 characters. */
    static String printable(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(100).forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return '"' + out.toString() + (text.length() > 100 ? "…" : "") + '"';
    }
}
