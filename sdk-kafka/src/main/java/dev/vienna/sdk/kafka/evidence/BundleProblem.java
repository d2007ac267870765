package dev.vienna.sdk.kafka.evidence;

/**
 * One reason an {@link EvidenceBundle} is not evidence: what kind of problem, where in the bundle, and why, in words.
 *
 * @param kind what is wrong
 * @param where the part of the bundle, as a JSON path with the record id when known: {@code records[2]
 *     (0-000000000005)}, {@code checkpoints[0]}, {@code statement}, {@code warrant}
 * @param reason what was found, for a person
 */
public record BundleProblem(Kind kind, String where, String reason) {

    /** The kinds of problem, one per check. */
    public enum Kind {
        /** Not JSON, a field missing or of the wrong type, bad base64, a record that is not an Avro AuditRecord. */
        MALFORMED,
        /** Beyond a limit: the bundle's size, its number of records or checkpoints, a proof's length. */
        TOO_LARGE,
        /** The format string is not {@value EvidenceBundle#FORMAT}: nothing else was checked. */
        UNSUPPORTED_FORMAT,
        /** The bundle has no records: it proves nothing. */
        NO_RECORDS,
        /** A checkpoint or the statement is signed by no trusted key. */
        UNKNOWN_KEY,
        /** A trusted key's signature on a checkpoint or the statement does not verify: the note was altered. */
        BAD_SIGNATURE,
        /** A checkpoint is not what the bundle says: another chain, deployment, tree size or first sequence. */
        CHECKPOINT_MISMATCH,
        /** A record's content does not give the hash it carries: a byte of it was changed. */
        CONTENT_ALTERED,
        /** A record of another intent. */
        FOREIGN_RECORD,
        /** A readable field (record id, chain, sequence, event type, time, summary, tenant) differs from the record. */
        FIELD_MISMATCH,
        /** A record's leaf index is not its sequence minus its checkpoint's first sequence. */
        LEAF_INDEX_MISMATCH,
        /** A record's inclusion proof does not lead to its checkpoint's root: it is not in the signed log. */
        PROOF_MISMATCH,
        /** A record comes before one that precedes it on its chain. */
        OUT_OF_ORDER,
        /** The same record twice. */
        DUPLICATE_RECORD,
        /** The log's statement names another intent or deployment. */
        FOREIGN_STATEMENT,
        /** The bundle has fewer or more records than the log's statement says the intent has. */
        RECORD_REMOVED_OR_ADDED,
        /** As many records as the statement says, but not the same ones in the same order. */
        RECORDS_REPLACED_OR_REORDERED,
        /** The warrant's signing key is not among the warrant keys. */
        WARRANT_UNKNOWN_KEY,
        /** The warrant's signature does not verify (or its algorithm is not the key's or not allowed). */
        WARRANT_BAD_SIGNATURE,
        /** The warrant is for another intent. */
        FOREIGN_WARRANT,
        /** The log recorded the intent's warrant, and the bundle's warrant is not that one (or is missing). */
        WARRANT_NOT_IN_LOG
    }

    @Override
    public String toString() {
        return kind + " at " + where + ": " + reason;
    }
}
