package dev.vienna.sdk.kafka.evidence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vienna.events.AuditRecord;
import dev.vienna.events.AvroSerde;
import dev.vienna.sdk.evidence.EvidenceFormatException;
import dev.vienna.sdk.evidence.NoteVerifierKey;
import dev.vienna.sdk.kafka.evidence.EvidenceBundle.BundledRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

/**
 * Evidence bundles as JSON, and their parts: {@link #write} (pretty-printed, fields in the records' order, instants as
 * ISO-8601 text), {@link #read}, a {@link BundledRecord} of an audit record and its proof, and the checkpoint keys as
 * the JWK set audit-service publishes at {@code GET /v1/audit/keys}. Checking a bundle is {@link BundleVerifier}'s.
 */
public final class EvidenceBundles {

    /** The largest bundle read, in bytes: {@value}. */
    public static final int MAX_BUNDLE_BYTES = 64 * 1024 * 1024;

    /** The most records a bundle may hold: {@value}. */
    public static final int MAX_RECORDS = 100_000;

    /** The most checkpoints a bundle may hold: {@value}. */
    public static final int MAX_CHECKPOINTS = 10_000;

    /** The bundle as pretty-printed UTF-8 JSON. */
    public static byte[] write(EvidenceBundle bundle) {
        return BundleJson.write(bundle);
    }

    /**
     * Reads a bundle written by {@link #write}, checking its shape only (not its evidence: {@link BundleVerifier}).
     *
     * @throws EvidenceFormatException naming the first field that is missing, mistyped or beyond a limit
     */
    public static EvidenceBundle read(byte[] json) {
        if (json == null || json.length > MAX_BUNDLE_BYTES) {
            throw new EvidenceFormatException("a bundle is at most " + MAX_BUNDLE_BYTES + " bytes of JSON");
        }
        JsonNode root;
        try {
            root = BundleJson.parse(json);
        } catch (JsonProcessingException e) {
            throw new EvidenceFormatException("not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new EvidenceFormatException("not JSON: " + e.getMessage());
        }
        List<BundleProblem> problems = new ArrayList<>();
        EvidenceBundle bundle =
                BundleJson.read(root, (kind, where, reason) -> problems.add(new BundleProblem(kind, where, reason)));
        if (!problems.isEmpty()) {
            throw new EvidenceFormatException(problems.get(0).toString());
        }
        return bundle;
    }

    /**
     * A record as a bundle holds it: its Avro single-object encoding (as on the {@code audit} topic), its readable
     * fields, and its inclusion proof to checkpoint {@code checkpoint} of the bundle.
     *
     * @param leafIndex the record's leaf in that checkpoint's tree: its sequence minus the tree's first sequence
     * @param inclusionProof the RFC 9162 proof hashes, leaf first
     */
    public static BundledRecord bundledRecord(
            AuditRecord record, int checkpoint, long leafIndex, List<byte[]> inclusionProof) {
        return new BundledRecord(
                record.getRecordId(),
                record.getChain(),
                record.getSequence(),
                Base64.getEncoder().encodeToString(new AvroSerde<>(AuditRecord.class).encode(record)),
                record.getEventType(),
                record.getOccurredAt(),
                record.getSummary(),
                checkpoint,
                leafIndex,
                inclusionProof.stream()
                        .map(hash -> Base64.getEncoder().encodeToString(hash))
                        .toList());
    }

    /**
     * The JWK set of checkpoint keys, as {@code GET /v1/audit/keys} serves it: per key {@code kty OKP}, {@code crv
     * Ed25519}, {@code x}, {@code kid <name>+<key ID>}, {@code use sig} and its C2SP verifier key as {@code vkey}.
     */
    public static JsonNode checkpointKeys(Collection<NoteVerifierKey> keys) {
        ObjectNode set = BundleJson.MAPPER.createObjectNode();
        ArrayNode array = set.putArray("keys");
        for (NoteVerifierKey key : keys) {
            array.addObject()
                    .put("kty", "OKP")
                    .put("crv", "Ed25519")
                    .put("x", Base64.getUrlEncoder().withoutPadding().encodeToString(key.publicKey()))
                    .put("kid", key.name() + "+" + String.format("%08x", key.keyId()))
                    .put("use", "sig")
                    .put("vkey", key.encoded());
        }
        return set;
    }

    /**
     * The verifier keys of a checkpoint key JWK set: each key's {@code vkey} member.
     *
     * @throws EvidenceFormatException if {@code jwks} is not a JWK set, a key has no {@code vkey} or one is malformed
     */
    public static List<NoteVerifierKey> verifierKeys(JsonNode jwks) {
        JsonNode keys = jwks == null ? null : jwks.get("keys");
        if (keys == null || !keys.isArray()) {
            throw new EvidenceFormatException("not a JWK set: no keys array");
        }
        List<NoteVerifierKey> verifiers = new ArrayList<>();
        for (JsonNode key : keys) {
            JsonNode vkey = key.get("vkey");
            if (vkey == null || !vkey.isTextual()) {
                throw new EvidenceFormatException("a key of the JWK set has no vkey member");
            }
            verifiers.add(NoteVerifierKey.parse(vkey.textValue()));
        }
        return verifiers;
    }

    private EvidenceBundles() {}
}
