package dev.vienna.sdk.kafka.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vienna.sdk.evidence.NoteVerifierKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Reads the checkpoint verifier keys an auditor is given: either the JWK set audit-service serves at {@code GET
 * /v1/audit/keys} ({@code {"keys":[{"kty":"OKP","crv":"Ed25519","x":..,"kid":"<name>+<key ID>","vkey":..}]}}), or C2SP
 * verifier keys ({@code <name>+<key ID>+<base64>}), one a line, blank lines and {@code #} comments skipped. From a JWK
 * its {@code vkey} is taken, checked against its {@code x} when both are there; without {@code vkey} the key is built
 * from {@code x} and the name in {@code kid}, whose key ID must then be the one they give. Keys of other types in a JWK
 * set are skipped.
 */
public final class CheckpointKeys {

    /** @throws IllegalArgumentException with the reason when the text holds no usable key or a malformed one */
    public static List<NoteVerifierKey> parse(String text) {
        String trimmed = text == null ? "" : text.strip();
        List<NoteVerifierKey> keys = trimmed.startsWith("{") ? fromJwkSet(trimmed) : fromLines(trimmed);
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no Ed25519 checkpoint verifier key found");
        }
        return keys;
    }

    private static List<NoteVerifierKey> fromLines(String text) {
        List<NoteVerifierKey> keys = new ArrayList<>();
        List<String> lines = text.lines().map(String::strip).toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                keys.add(NoteVerifierKey.parse(line));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + " is not a verifier key: " + e.getMessage());
            }
        }
        return keys;
    }

    private static List<NoteVerifierKey> fromJwkSet(String json) {
        JsonNode set;
        try {
            set = new ObjectMapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        JsonNode jwks = set.path("keys");
        if (!jwks.isArray()) {
            throw new IllegalArgumentException("a JWK set has a \"keys\" array");
        }
        List<NoteVerifierKey> keys = new ArrayList<>();
        for (JsonNode jwk : jwks) {
            if (!"OKP".equals(jwk.path("kty").asText())
                    || !"Ed25519".equals(jwk.path("crv").asText())) {
                continue;
            }
            keys.add(fromJwk(jwk));
        }
        return keys;
    }

    private static NoteVerifierKey fromJwk(JsonNode jwk) {
        String kid = jwk.path("kid").asText("");
        byte[] x = null;
        if (jwk.hasNonNull("x")) {
            try {
                x = Base64.getUrlDecoder().decode(jwk.get("x").asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("key " + kid + ": x is not base64url");
            }
        }
        if (jwk.hasNonNull("vkey")) {
            NoteVerifierKey key = NoteVerifierKey.parse(jwk.get("vkey").asText());
            if (x != null && !Arrays.equals(x, key.publicKey())) {
                throw new IllegalArgumentException("key " + kid + ": its vkey and its x are different keys");
            }
            return key;
        }
        int plus = kid.lastIndexOf('+');
        if (x == null || plus <= 0) {
            throw new IllegalArgumentException(
                    "key " + kid + " has no vkey, and no x with a kid <name>+<key ID> to build one from");
        }
        NoteVerifierKey key = NoteVerifierKey.ed25519(kid.substring(0, plus), x);
        if (!kid.substring(plus + 1).equalsIgnoreCase(String.format("%08x", key.keyId()))) {
            throw new IllegalArgumentException("key " + kid + ": the key ID is not the one of its name and x");
        }
        return key;
    }

    private CheckpointKeys() {}
}
