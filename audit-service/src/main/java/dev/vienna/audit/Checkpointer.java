package dev.vienna.audit;

import dev.vienna.events.AuditCheckpoint;
import dev.vienna.sdk.evidence.ChainOrigin;
import dev.vienna.sdk.evidence.Checkpoint;
import dev.vienna.sdk.evidence.NoteSignerKey;
import dev.vienna.sdk.evidence.NoteVerifierKey;
import dev.vienna.sdk.evidence.SignedNote;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * When and how audit chains are checkpointed: after {@code records} new records or {@code interval} after the last
 * checkpoint, whichever comes first, a C2SP tlog-checkpoint whose origin is {@code <deployment>/audit/chain/<n>}, whose
 * size and root are the chain's RFC 9162 tree, and, when the tree does not begin at the chain's first record, an
 * extension line {@value #FIRST_SEQUENCE} naming the sequence of its leaf 0, so that too is signed. The key is
 * audit-service's own, never a warrant key.
 */
final class Checkpointer {

    /** The extension line's keyword: {@code vienna-first-sequence <n>}. */
    static final String FIRST_SEQUENCE = "vienna-first-sequence";

    private final String deployment;
    private final NoteSignerKey key;
    private final long records;
    private final Duration interval;

    Checkpointer(String deployment, NoteSignerKey key, long records, Duration interval) {
        if (records < 1 || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("checkpoints need at least 1 record and a positive interval");
        }
        this.deployment = deployment;
        this.key = key;
        this.records = records;
        this.interval = interval;
    }

    /** After how many new records a chain is checkpointed. */
    long records() {
        return records;
    }

    /** How long after its last checkpoint a chain with new records is checkpointed. */
    Duration interval() {
        return interval;
    }

    /** The checkpoint of {@code head}, the tree of chain {@code chain}, signed at {@code now}. */
    AuditCheckpoint sign(int chain, ChainHead head, Instant now) {
        List<String> extensions =
                head.firstSequence() == 0 ? List.of() : List.of(FIRST_SEQUENCE + " " + head.firstSequence());
        Checkpoint checkpoint = new Checkpoint(
                new ChainOrigin(deployment, chain).origin(),
                head.tree().size(),
                head.tree().root(),
                extensions);
        return AuditCheckpoint.newBuilder()
                .setChain(chain)
                .setFirstSequence(head.firstSequence())
                .setTreeSize(head.tree().size())
                .setNote(checkpoint.sign(key).format())
                .setPublishedAt(now)
                .build();
    }

    /** A signed note of {@code text} (a note body: lines each ending in a newline) under the checkpoint key. */
    String signNote(String text) {
        return SignedNote.unsigned(text).signedBy(key).format();
    }

    String deployment() {
        return deployment;
    }

    /** The public key checkpoints are verified with. */
    NoteVerifierKey verifierKey() {
        return key.verifierKey();
    }
}
