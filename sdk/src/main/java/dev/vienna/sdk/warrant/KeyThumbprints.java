package dev.vienna.sdk.warrant;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;

/**
 * RFC 7638 JWK thumbprints of Ed25519 public keys: SHA-256 over {@code {"crv":"Ed25519","kty":"OKP","x":"<key>"}} (the
 * required members in lexicographic order, no whitespace), base64url without padding. A key-bound warrant names its
 * holder's key this way ({@code cnf.jkt}); any JOSE library computes the same value from the agent's JWK.
 */
public final class KeyThumbprints {

    /** The length of a base64url SHA-256 thumbprint. */
    static final int LENGTH = 43;

    /**
     * The thumbprint of a raw 32-byte Ed25519 public key given base64url (as the agent registry keeps it); empty when
     * it is not one. Never throws.
     */
    public static Optional<String> ofEd25519(String publicKeyBase64Url) {
        if (publicKeyBase64Url == null || publicKeyBase64Url.length() != LENGTH || !isBase64Url(publicKeyBase64Url)) {
            return Optional.empty();
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(publicKeyBase64Url);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (raw.length != 32) {
            return Optional.empty();
        }
        String x = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        String jwk = "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"" + x + "\"}";
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(jwk.getBytes(StandardCharsets.US_ASCII));
            return Optional.of(Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Whether {@code text} has the shape of a SHA-256 thumbprint: 43 base64url characters. */
    public static boolean isThumbprint(String text) {
        return text != null && text.length() == LENGTH && isBase64Url(text);
    }

    private static boolean isBase64Url(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok =
                    (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private KeyThumbprints() {}
}
