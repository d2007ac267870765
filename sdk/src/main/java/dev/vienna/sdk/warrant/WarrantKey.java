package dev.vienna.sdk.warrant;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeyLengthException;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * A warrant key by id. For Ed25519 the signer holds the private key and verifiers only the public key; for HMAC-SHA256
 * both hold the same secret. Key material is base64url, raw bytes (32 each).
 *
 * @param privateOrSecret Ed25519 private key or HMAC secret; null on a verify-only Ed25519 key
 * @param publicKey Ed25519 public key; null for HMAC
 */
public record WarrantKey(String keyId, SignatureAlgorithm algorithm, byte[] privateOrSecret, byte[] publicKey) {

    public WarrantKey {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(algorithm, "algorithm");
        if (algorithm == SignatureAlgorithm.ED25519 && publicKey == null) {
            throw new IllegalArgumentException("an Ed25519 key needs its public key");
        }
        if (algorithm == SignatureAlgorithm.HMAC_SHA256 && (privateOrSecret == null || privateOrSecret.length < 32)) {
            throw new IllegalArgumentException("an HMAC-SHA256 secret needs at least 32 bytes");
        }
    }

    /** The JWS algorithm of this key: EdDSA or HS256. */
    public JWSAlgorithm jwsAlgorithm() {
        return algorithm == SignatureAlgorithm.ED25519 ? JWSAlgorithm.EdDSA : JWSAlgorithm.HS256;
    }

    JWSSigner signer() {
        if (!canSign()) {
            throw new IllegalArgumentException(this + " cannot sign");
        }
        try {
            return algorithm == SignatureAlgorithm.ED25519
                    ? new Ed25519Jws.Signer(privateOrSecret)
                    : new MACSigner(privateOrSecret);
        } catch (KeyLengthException e) {
            throw new IllegalArgumentException("HMAC secret too short: " + e.getMessage(), e);
        }
    }

    JWSVerifier verifier() {
        try {
            return algorithm == SignatureAlgorithm.ED25519
                    ? new Ed25519Jws.Verifier(publicKey)
                    : new MACVerifier(privateOrSecret);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("HMAC secret unusable: " + e.getMessage(), e);
        }
    }

    public boolean canSign() {
        return privateOrSecret != null;
    }

    /** The same key without its private half (Ed25519); an HMAC key cannot be made public. */
    public WarrantKey verifyOnly() {
        if (algorithm != SignatureAlgorithm.ED25519) {
            throw new IllegalStateException("an HMAC key has no public half");
        }
        return new WarrantKey(keyId, algorithm, null, publicKey);
    }

    public static WarrantKey generateEd25519(String keyId) {
        Ed25519PrivateKeyParameters privateKey = new Ed25519PrivateKeyParameters(new SecureRandom());
        return new WarrantKey(
                keyId,
                SignatureAlgorithm.ED25519,
                privateKey.getEncoded(),
                privateKey.generatePublicKey().getEncoded());
    }

    public static WarrantKey generateHmac(String keyId) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return new WarrantKey(keyId, SignatureAlgorithm.HMAC_SHA256, secret, null);
    }

    /** Ed25519 from the base64url private key (the public key is derived from it). */
    public static WarrantKey ed25519FromPrivate(String keyId, String base64Private) {
        Ed25519PrivateKeyParameters privateKey = new Ed25519PrivateKeyParameters(decode(base64Private), 0);
        return new WarrantKey(
                keyId,
                SignatureAlgorithm.ED25519,
                privateKey.getEncoded(),
                privateKey.generatePublicKey().getEncoded());
    }

    public static WarrantKey ed25519FromPublic(String keyId, String base64Public) {
        return new WarrantKey(keyId, SignatureAlgorithm.ED25519, null, decode(base64Public));
    }

    public static WarrantKey hmac(String keyId, String base64Secret) {
        return new WarrantKey(keyId, SignatureAlgorithm.HMAC_SHA256, decode(base64Secret), null);
    }

    public String encodedPrivateOrSecret() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(privateOrSecret);
    }

    private static byte[] decode(String base64) {
        return Base64.getUrlDecoder().decode(base64.strip());
    }

    @Override
    public String toString() {
        return "WarrantKey[" + keyId + ", " + algorithm + (canSign() ? ", signing" : ", verify-only") + "]";
    }
}
