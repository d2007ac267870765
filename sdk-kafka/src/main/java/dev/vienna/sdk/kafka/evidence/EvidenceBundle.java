package dev.vienna.sdk.kafka.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * One intent's audit evidence, to be checked offline by someone who trusts only the log's checkpoint key: every audit
 * record of the intent byte for byte, each with its RFC 9162 inclusion proof to a signed checkpoint of its chain, the
 * log's signed statement of which records make up the intent (so none can be removed or added), the warrant it ran
 * under and the public keys needed. JSON, {@value #FORMAT}.
 *
 * @param format {@value #FORMAT}
 * @param intentId the intent
 * @param tenantId its tenant
 * @param exportedAt when audit-service assembled the bundle
 * @param records the intent's audit records in chain order
 * @param checkpoints the signed checkpoints the proofs lead to
 * @param statement the signed note of {@link EvidenceStatement}: the intent's records, as the log states them
 * @param warrant the warrant the intent ran under, if one was issued
 * @param checkpointKeys the checkpoint verifier keys as audit-service publishes them (a JWK set whose keys carry their
 *     C2SP {@code vkey}): a convenience; an auditor should verify with keys obtained independently
 */
public record EvidenceBundle(
        String format,
        String intentId,
        String tenantId,
        Instant exportedAt,
        List<BundledRecord> records,
        List<BundledCheckpoint> checkpoints,
        String statement,
        BundledWarrant warrant,
        JsonNode checkpointKeys) {

    public static final String FORMAT = "vienna-evidence-bundle/1";

    /**
     * One audit record.
     *
     * @param recordId its id, {@code <chain>-<sequence>}
     * @param chain its chain (audit partition)
     * @param sequence its sequence in the chain
     * @param avro the record as written to {@code audit}: Avro single-object encoding, base64
     * @param eventType the record's event type, for readers (the verifier checks it against {@code avro})
     * @param occurredAt when the event occurred, for readers (checked likewise)
     * @param summary the record's summary, for readers (checked likewise)
     * @param checkpoint the index in {@link EvidenceBundle#checkpoints()} of the checkpoint its proof leads to
     * @param leafIndex its leaf index in that checkpoint's tree ({@code sequence - firstSequence})
     * @param inclusionProof the RFC 9162 inclusion proof, base64 hashes
     */
    public record BundledRecord(
            String recordId,
            int chain,
            long sequence,
            String avro,
            String eventType,
            Instant occurredAt,
            String summary,
            int checkpoint,
            long leafIndex,
            List<String> inclusionProof) {}

    /** A signed checkpoint ({@code audit-checkpoints}): the note is the evidence; the rest says where it belongs. */
    public record BundledCheckpoint(int chain, long firstSequence, long treeSize, String note) {}

    /**
     * The intent's warrant.
     *
     * @param warrantId its id
     * @param token the compact JWS
     * @param jwks warrant-service's public keys (its {@code /.well-known/jwks.json}) as of the export
     */
    public record BundledWarrant(String warrantId, String token, JsonNode jwks) {}
}
