package dev.vienna.sdk.kafka.audit;

/**
 * One thing wrong with an audit log, or worth a warning: what kind, where, and why in words.
 *
 * @param kind what is wrong
 * @param severity whether it makes the log fail verification
 * @param chain the audit chain (partition) it concerns, -1 when none can be named (a checkpoint too damaged to say)
 * @param sequence the record's sequence, -1 when the problem is not one record's
 * @param recordId the record's id (for a record that does not decode, its key, made printable), or null
 * @param where where it is stored, e.g. {@code audit partition 2 offset 17}, or null for a whole chain or log
 * @param reason what was found, in words
 */
public record AuditProblem(
        Kind kind, Severity severity, int chain, long sequence, String recordId, String where, String reason) {

    /** What is wrong. The javadoc of each says what it means and what an attacker or fault it points at. */
    public enum Kind {
        /** A record's value is not an {@code AuditRecord} in Avro single-object encoding (garbage, cut off). */
        UNDECODABLE,
        /** A record without a value on the audit topic (or a checkpoint's): at compaction it deletes what it keys. */
        TOMBSTONE,
        /** A record sits on another chain's partition than the chain it names. */
        WRONG_CHAIN,
        /** Sequences jump forward: the records between are missing. */
        SEQUENCE_GAP,
        /** A sequence comes after a later one: records swapped, moved or repeated. */
        REORDERED,
        /** A record's id or key is not {@code <chain>-<sequence>}. */
        RECORD_ID,
        /** A record's previous hash is not the hash of the record before it: the link was cut. */
        PREVIOUS_HASH,
        /** A record's content does not hash to its hash: altered after it was chained. */
        CONTENT_ALTERED,
        /** A checkpoint commits to more records than the chain has: records at its end were removed. */
        TRUNCATED,
        /**
         * The chain's records do not give a checkpoint's Merkle root: history was rewritten (even if every hash and
         * link was recomputed), or records removed or reordered, below that checkpoint's size.
         */
        ROOT_MISMATCH,
        /** A chain that checkpoints say has records has none, or its partition is gone. */
        MISSING_CHAIN,
        /** A chain with records but no trusted checkpoint: only its hash chain vouches for it. */
        NO_CHECKPOINT,
        /** A checkpoint signed by no trusted key. */
        CHECKPOINT_UNKNOWN_KEY,
        /** A checkpoint whose signature by a trusted key does not verify: forged or altered. */
        CHECKPOINT_BAD_SIGNATURE,
        /** A checkpoint record that is not a well-formed signed tlog checkpoint, or disagrees with its own note. */
        CHECKPOINT_MALFORMED,
        /** A checkpoint for another deployment, or whose origin is not an audit chain's. */
        CHECKPOINT_WRONG_ORIGIN,
        /** No audit record at all: nothing can be verified, which is never "intact". */
        EMPTY_LOG
    }

    public enum Severity {
        /** The log does not verify. */
        FAILURE,
        /** Worth knowing, not a break: the log still verifies. */
        WARNING
    }

    public boolean failure() {
        return severity == Severity.FAILURE;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(kind.name());
        if (chain >= 0) {
            text.append(" chain ").append(chain);
        }
        if (sequence >= 0) {
            text.append(" sequence ").append(sequence);
        }
        if (recordId != null) {
            text.append(" (").append(recordId).append(')');
        }
        if (where != null) {
            text.append(" at ").append(where);
        }
        text.append(": ").append(reason);
        if (severity == Severity.WARNING) {
            text.append(" [warning]");
        }
        return text.toString();
    }
}
