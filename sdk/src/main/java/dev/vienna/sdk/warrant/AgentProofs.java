package dev.vienna.sdk.warrant;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.text.ParseException;
import java.util.Map;
import java.util.Optional;

/**
 * Compact JWS an agent signs with its registered Ed25519 key: {@code alg: EdDSA}, a {@code typ} per purpose, the key id
 * and the public key itself as {@code jwk} in the header (as DPoP proofs carry theirs, RFC 9449), so a verifier needs
 * no registry lookup to check a proof against a key-bound warrant: the proof's key must have the warrant's
 * {@code cnf.jkt} thumbprint, and the signature must verify with it. Verification never throws.
 */
final class AgentProofs {

    /** The longest proof read, in characters. */
    static final int MAX_LENGTH = 16 * 1024;

    /** A checked proof: valid with its claims, key id and key thumbprint, or the problem. */
    record Checked(boolean valid, String problem, Map<String, Object> claims, String keyId, String thumbprint) {
        static Checked refused(String problem) {
            return new Checked(false, problem, null, null, null);
        }
    }

    static String sign(JOSEObjectType type, Map<String, Object> claims, WarrantKey agentKey) {
        if (agentKey.algorithm() != SignatureAlgorithm.ED25519 || !agentKey.canSign()) {
            throw new IllegalArgumentException("an agent signs with its Ed25519 private key, not " + agentKey);
        }
        OctetKeyPair jwk = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(agentKey.publicKey()))
                .keyID(agentKey.keyId())
                .build();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.EdDSA)
                .type(type)
                .keyID(agentKey.keyId())
                .jwk(jwk)
                .build();
        JWSObject jws = new JWSObject(header, new Payload(claims));
        try {
            jws.sign(agentKey.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign " + type + ": " + e.getMessage(), e);
        }
        return jws.serialize();
    }

    /**
     * Checks {@code proof} as a {@code type} signed by the key with {@code expectedThumbprint} (any Ed25519 key when
     * null: the caller then checks the key itself). Never throws.
     */
    static Checked verify(String proof, JOSEObjectType type, String expectedThumbprint) {
        try {
            return check(proof, type, expectedThumbprint);
        } catch (RuntimeException e) {
            return Checked.refused("the " + type + " could not be checked: " + e);
        }
    }

    private static Checked check(String proof, JOSEObjectType type, String expectedThumbprint) {
        if (proof == null || proof.isBlank()) {
            return Checked.refused("no " + type + " was presented");
        }
        if (proof.length() > MAX_LENGTH) {
            return Checked.refused("the " + type + " is longer than " + MAX_LENGTH + " characters");
        }
        JWSObject jws;
        try {
            jws = JWSObject.parse(proof);
        } catch (ParseException e) {
            return Checked.refused("not a compact JWS: " + e.getMessage());
        }
        JWSHeader header = jws.getHeader();
        if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
            return Checked.refused("alg must be EdDSA, not " + header.getAlgorithm());
        }
        if (!type.equals(header.getType())) {
            return Checked.refused("typ must be " + type + ", not " + header.getType());
        }
        if (header.getCriticalParams() != null) {
            return Checked.refused("the header marks parameters critical (crit); a proof has none");
        }
        JWK jwk = header.getJWK();
        if (!(jwk instanceof OctetKeyPair okp) || !Curve.Ed25519.equals(okp.getCurve()) || okp.isPrivate()) {
            return Checked.refused("the header must carry the signer's public Ed25519 key as jwk");
        }
        String x = okp.getX().toString();
        Optional<String> thumbprint = KeyThumbprints.ofEd25519(x);
        if (thumbprint.isEmpty()) {
            return Checked.refused("the header's jwk is not a 32-byte Ed25519 public key");
        }
        if (expectedThumbprint != null && !expectedThumbprint.equals(thumbprint.get())) {
            return Checked.refused("signed by key " + thumbprint.get() + ", but the warrant is bound to key "
                    + expectedThumbprint + " (cnf.jkt)");
        }
        WarrantKey key = WarrantKey.ed25519FromPublic(header.getKeyID() == null ? "proof" : header.getKeyID(), x);
        try {
            if (!jws.verify(key.verifier())) {
                return Checked.refused("the signature does not match the " + type + " and its key");
            }
        } catch (JOSEException e) {
            return Checked.refused("the signature cannot be checked: " + e.getMessage());
        }
        Map<String, Object> claims = jws.getPayload().toJSONObject();
        if (claims == null) {
            return Checked.refused("the payload is not a JSON object");
        }
        return new Checked(true, null, claims, header.getKeyID(), thumbprint.get());
    }

    private AgentProofs() {}
}
