package dev.vienna.console;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import java.text.ParseException;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Whether a warrant token's signature verifies against warrant-service's published keys, said in words for the
 * timeline. The Ed25519 check is BouncyCastle's (as in the sdk, whose dependency it is): nimbus's own
 * {@code Ed25519Verifier} needs Google Tink, which is not on the console's class path, and failed every auditor's
 * timeline with a 500.
 */
final class WarrantSignatures {

    private WarrantSignatures() {}

    /** "verified with warrant-service's key K", or why not ("NOT VERIFIED: ...", "not checked: ..."). */
    static String verdict(String token, String jwks) {
        try {
            JWSObject jws = JWSObject.parse(token);
            String keyId = jws.getHeader().getKeyID();
            JWK key = JWKSet.parse(jwks).getKeyByKeyId(keyId);
            if (key == null) {
                return "NOT VERIFIED: warrant-service publishes no key " + keyId;
            }
            if (!(key instanceof OctetKeyPair okp) || !Curve.Ed25519.equals(okp.getCurve())) {
                return "not checked: key " + keyId + " is not an Ed25519 key";
            }
            if (!JWSAlgorithm.EdDSA.equals(jws.getHeader().getAlgorithm())) {
                return "NOT VERIFIED: signed with " + jws.getHeader().getAlgorithm() + ", but key " + keyId
                        + " is an Ed25519 key";
            }
            Ed25519Signer verifier = new Ed25519Signer();
            verifier.init(false, new Ed25519PublicKeyParameters(okp.getX().decode(), 0));
            byte[] signed = jws.getSigningInput();
            verifier.update(signed, 0, signed.length);
            return verifier.verifySignature(jws.getSignature().decode())
                    ? "verified with warrant-service's key " + keyId
                    : "NOT VERIFIED: the signature does not match key " + keyId;
        } catch (ParseException | RuntimeException e) {
            return "NOT VERIFIED: " + e.getMessage();
        }
    }
}
