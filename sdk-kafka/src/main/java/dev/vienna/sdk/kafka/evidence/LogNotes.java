package dev.vienna.sdk.kafka.evidence;

import dev.vienna.sdk.evidence.ChainOrigin;
import dev.vienna.sdk.evidence.Checkpoint;
import dev.vienna.sdk.evidence.EvidenceFormatException;
import dev.vienna.sdk.evidence.NoteVerification;
import dev.vienna.sdk.evidence.NoteVerifierKey;
import dev.vienna.sdk.evidence.SignedNote;
import dev.vienna.sdk.kafka.evidence.BundleProblem.Kind;
import dev.vienna.sdk.kafka.evidence.EvidenceBundle.BundledCheckpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The log's signed notes in a bundle: its statement of the intent's records and the checkpoints of its chains. A note
 * counts when a trusted key's signature verifies and none fails ({@link Kind#UNKNOWN_KEY}, {@link Kind#BAD_SIGNATURE}
 * otherwise); the statement must name the bundle's intent, every checkpoint the statement's deployment, and the
 * checkpoint's signed chain, tree size and first sequence must be what the bundle says. Only what a trusted note's text
 * says is used afterwards.
 */
final class LogNotes {

    /** The checkpoint extension line giving the sequence of a tree's leaf 0, when it is not 0. */
    static final String FIRST_SEQUENCE = "vienna-first-sequence ";

    private static final String INTENT_PATH = "/audit/intent/";

    /** A checkpoint whose note verified: what its signed text says. */
    record TrustedCheckpoint(int chain, long firstSequence, long size, byte[] root) {}

    private final List<NoteVerifierKey> keys;
    private final BundleJson.Problems problems;
    private String deployment;
    private EvidenceStatement statement;
    private TrustedCheckpoint[] checkpoints = new TrustedCheckpoint[0];

    LogNotes(List<NoteVerifierKey> keys, BundleJson.Problems problems) {
        this.keys = keys;
        this.problems = problems;
    }

    /** Checks the statement, then each checkpoint. */
    void check(EvidenceBundle bundle) {
        checkStatement(bundle);
        checkCheckpoints(bundle);
    }

    /** The statement, if trusted and readable. */
    Optional<EvidenceStatement> statement() {
        return Optional.ofNullable(statement);
    }

    /** How many checkpoints the bundle has (when they could be read). */
    int checkpointCount() {
        return checkpoints.length;
    }

    /** Checkpoint {@code index} if its note is trusted and of the deployment; else null. */
    TrustedCheckpoint checkpoint(int index) {
        return checkpoints[index];
    }

    /** Whether a trusted key signed {@code note}; if not, the problem is named. */
    private boolean trusted(SignedNote note, String where) {
        NoteVerification verification = note.verify(keys);
        if (!verification.invalid().isEmpty()) {
            problems.add(Kind.BAD_SIGNATURE, where, verification.reason() + ": the note was altered");
            return false;
        }
        if (verification.verified().isEmpty()) {
            problems.add(Kind.UNKNOWN_KEY, where, verification.reason());
            return false;
        }
        return true;
    }

    private void checkStatement(EvidenceBundle bundle) {
        if (bundle.statement() == null) {
            return;
        }
        SignedNote note;
        try {
            note = SignedNote.parse(bundle.statement());
        } catch (EvidenceFormatException e) {
            problems.add(Kind.MALFORMED, "statement", "not a signed note: " + e.getMessage());
            return;
        }
        if (!trusted(note, "statement")) {
            return;
        }
        Optional<EvidenceStatement> parsed = EvidenceStatement.parse(note.text());
        if (parsed.isEmpty()) {
            problems.add(Kind.MALFORMED, "statement", "its text is not a statement of an intent's records");
            return;
        }
        statement = parsed.get();
        String origin = statement.origin();
        deployment = origin.substring(0, origin.lastIndexOf(INTENT_PATH));
        if (!statement.intentId().equals(bundle.intentId())) {
            problems.add(
                    Kind.FOREIGN_STATEMENT,
                    "statement",
                    "the log's statement is about intent " + BundleJson.quoted(statement.intentId())
                            + ", the bundle about " + BundleJson.quotedOrNone(bundle.intentId()));
        }
    }

    private void checkCheckpoints(EvidenceBundle bundle) {
        List<BundledCheckpoint> bundled = bundle.checkpoints();
        if (bundled == null) {
            return;
        }
        checkpoints = new TrustedCheckpoint[bundled.size()];
        for (int j = 0; j < bundled.size(); j++) {
            if (bundled.get(j) != null) {
                checkpoints[j] = checkpoint(bundled.get(j), "checkpoints[" + j + "]");
            }
        }
    }

    private TrustedCheckpoint checkpoint(BundledCheckpoint bundled, String where) {
        SignedNote note;
        Checkpoint checkpoint;
        try {
            note = SignedNote.parse(bundled.note());
        } catch (EvidenceFormatException e) {
            problems.add(Kind.MALFORMED, where, "not a signed note: " + e.getMessage());
            return null;
        }
        if (!trusted(note, where)) {
            return null;
        }
        ChainOrigin origin;
        try {
            checkpoint = Checkpoint.parse(note.text());
            origin = ChainOrigin.parse(checkpoint.origin());
        } catch (EvidenceFormatException e) {
            problems.add(Kind.CHECKPOINT_MISMATCH, where, "not an audit chain's checkpoint: " + e.getMessage());
            return null;
        }
        if (deployment == null) {
            deployment = origin.deployment();
        } else if (!deployment.equals(origin.deployment())) {
            problems.add(
                    Kind.CHECKPOINT_MISMATCH,
                    where,
                    "a checkpoint of deployment " + BundleJson.quoted(origin.deployment()) + ", the statement's is "
                            + BundleJson.quoted(deployment));
            return null;
        }
        Optional<Long> firstSequence = firstSequence(checkpoint, where);
        if (firstSequence.isEmpty()) {
            return null;
        }
        List<String> differences = new ArrayList<>();
        if (origin.chain() != bundled.chain()) {
            differences.add("its chain is " + origin.chain() + ", the bundle says " + bundled.chain());
        }
        if (checkpoint.size() != bundled.treeSize()) {
            differences.add("its tree size is " + checkpoint.size() + ", the bundle says " + bundled.treeSize());
        }
        if (firstSequence.get() != bundled.firstSequence()) {
            differences.add(
                    "its first sequence is " + firstSequence.get() + ", the bundle says " + bundled.firstSequence());
        }
        if (!differences.isEmpty()) {
            problems.add(Kind.CHECKPOINT_MISMATCH, where, String.join("; ", differences));
        }
        return new TrustedCheckpoint(origin.chain(), firstSequence.get(), checkpoint.size(), checkpoint.rootHash());
    }

    /** The checkpoint's {@code vienna-first-sequence}, 0 without one; empty (a problem named) when malformed. */
    private Optional<Long> firstSequence(Checkpoint checkpoint, String where) {
        List<String> lines = checkpoint.extensions().stream()
                .filter(line -> line.startsWith(FIRST_SEQUENCE))
                .toList();
        if (lines.isEmpty()) {
            return Optional.of(0L);
        }
        String value = lines.get(0).substring(FIRST_SEQUENCE.length());
        if (lines.size() > 1 || !value.matches("[1-9][0-9]{0,17}")) {
            problems.add(Kind.CHECKPOINT_MISMATCH, where, "its first-sequence extension is not one positive number");
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(value));
    }
}
