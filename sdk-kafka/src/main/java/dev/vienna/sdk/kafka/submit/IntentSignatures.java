package dev.vienna.sdk.kafka.submit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vienna.events.EventIds;
import dev.vienna.events.Intent;
import dev.vienna.events.IntentSubmitted;
import dev.vienna.sdk.canonical.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.TreeMap;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * What an agent signs when it submits an intent over Kafka ({@code intent-submissions}): the RFC 8785 canonical JSON of
 * {@code {"agentId","action","resource","params","justification","costImpact","reversible","blastRadius","urgency",
 * "idempotencyKey","labels","owner","tenantId","submittedAt","nonce","keyId"}} (params as the JSON object, submittedAt
 * as epoch milliseconds, absent optional fields as null), signed with the agent's registered Ed25519 key. Any language
 * can produce the same bytes: sort the keys, write numbers in their shortest form. Verification never throws.
 */
public final class IntentSignatures {

    /** The shortest nonce intake accepts: it must not repeat. */
    public static final int MIN_NONCE_LENGTH = 16;

    /** The bytes the signature covers. Throws IllegalArgumentException when the params are not a JSON object. */
    public static byte[] payload(IntentSubmitted submission) {
        Intent intent = submission.getIntent();
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("agentId", intent.getAgentId());
        json.put("action", intent.getAction());
        json.put("resource", intent.getResource());
        JsonNode params = CanonicalJson.parse(intent.getParamsJson());
        if (!params.isObject()) {
            throw new IllegalArgumentException("params must be a JSON object");
        }
        json.set("params", params);
        json.put("justification", intent.getJustification());
        json.put("costImpact", intent.getCostImpact());
        json.put("reversible", intent.getReversible());
        json.put("blastRadius", intent.getBlastRadius());
        json.put("urgency", intent.getUrgency());
        json.put("idempotencyKey", intent.getIdempotencyKey());
        ObjectNode labels = json.putObject("labels");
        new TreeMap<>(intent.getLabels()).forEach(labels::put);
        json.put("owner", intent.getOwner());
        json.put("tenantId", submission.getTenantId());
        json.put(
                "submittedAt",
                submission.getSubmittedAt() == null
                        ? null
                        : submission.getSubmittedAt().toEpochMilli());
        json.put("nonce", submission.getNonce());
        json.put("keyId", submission.getKeyId());
        return CanonicalJson.write(json).getBytes(StandardCharsets.UTF_8);
    }

    /** The agent's signature over {@link #payload} with its raw 32-byte Ed25519 private key. */
    public static byte[] sign(IntentSubmitted submission, byte[] privateKey) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, new Ed25519PrivateKeyParameters(privateKey, 0));
        byte[] payload = payload(submission);
        signer.update(payload, 0, payload.length);
        return signer.generateSignature();
    }

    /**
     * Why the submission's signature does not verify with the agent's public key (raw 32 bytes, base64url); empty when
     * it does. Never throws.
     */
    public static Optional<String> problem(IntentSubmitted submission, String publicKeyBase64) {
        try {
            byte[] publicKey = Base64.getUrlDecoder().decode(publicKeyBase64);
            byte[] signature = submission.getSignature() == null ? new byte[0] : bytes(submission);
            if (signature.length != 64) {
                return Optional.of("the signature is " + signature.length + " bytes, not an Ed25519 signature");
            }
            Ed25519Signer verifier = new Ed25519Signer();
            verifier.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
            byte[] payload = payload(submission);
            verifier.update(payload, 0, payload.length);
            return verifier.verifySignature(signature)
                    ? Optional.empty()
                    : Optional.of("the signature does not match the submission and key " + submission.getKeyId());
        } catch (RuntimeException e) {
            return Optional.of("the signature cannot be checked: " + e.getMessage());
        }
    }

    /**
     * The intentId intake gives a signed submission: derived from the agent and its nonce, so the same submission,
     * delivered twice or replayed, is the same intent.
     */
    public static String intentIdOf(String agentId, String nonce) {
        return EventIds.of(agentId + "\u0000" + nonce, "signed-submission");
    }

    private static byte[] bytes(IntentSubmitted submission) {
        var buffer = submission.getSignature().duplicate();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private IntentSignatures() {}
}
