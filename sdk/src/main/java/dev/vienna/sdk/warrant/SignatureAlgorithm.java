package dev.vienna.sdk.warrant;

/** How a warrant is signed: Ed25519 ({@code alg: EdDSA}, RFC 8037) or HMAC-SHA256 ({@code alg: HS256}). */
public enum SignatureAlgorithm {
    ED25519,
    HMAC_SHA256
}
