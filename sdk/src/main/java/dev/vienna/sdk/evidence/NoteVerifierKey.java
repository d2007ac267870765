package dev.vienna.sdk.evidence;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * A public Ed25519 key that verifies signed-note signatures, identified by its name and 32-bit key ID. Its text form (a
 * "vkey") is {@code <name>+<8 hex digits of key ID>+<base64(0x01 || 32-byte public key)>}, and the key ID is the first
 * four bytes, big-endian, of SHA-256(name || 0x0A || 0x01 || public key). Immutable and thread-safe.
 */
public final class NoteVerifierKey {

    /** The signed-note signature type of Ed25519. */
    static final byte ED25519 = 0x01;

    static final int PUBLIC_KEY_SIZE = 32;
    static final int SIGNATURE_SIZE = 64;

    private final String name;
    private final int keyId;
    private final byte[] publicKey;
    private final Ed25519PublicKeyParameters parameters;

    private NoteVerifierKey(String name, byte[] publicKey) {
        this.name = name;
        this.publicKey = publicKey.clone();
        this.keyId = keyId(name, publicKey);
        try {
            this.parameters = new Ed25519PublicKeyParameters(publicKey, 0);
        } catch (RuntimeException e) {
            throw new EvidenceFormatException("not an Ed25519 public key");
        }
    }

    /**
     * The verifier key of {@code name} for a 32-byte Ed25519 public key.
     *
     * @throws EvidenceFormatException on an invalid name or key
     */
    public static NoteVerifierKey ed25519(String name, byte[] publicKey) {
        String problem = NoteText.keyNameProblem(name);
        if (problem != null) {
            throw new EvidenceFormatException(problem);
        }
        if (publicKey == null || publicKey.length != PUBLIC_KEY_SIZE) {
            throw new EvidenceFormatException("an Ed25519 public key is 32 bytes");
        }
        return new NoteVerifierKey(name, publicKey);
    }

    /**
     * Reads a verifier key's text form, refusing a key ID that is not the one its name and key give.
     *
     * @throws EvidenceFormatException if {@code vkey} is not a well-formed Ed25519 verifier key
     */
    public static NoteVerifierKey parse(String vkey) {
        if (vkey == null) {
            throw new EvidenceFormatException("no verifier key");
        }
        String[] parts = vkey.split("\\+", 3);
        if (parts.length != 3) {
            throw new EvidenceFormatException("a verifier key is <name>+<key ID>+<key>");
        }
        byte[] key = NoteText.decodeCanonicalBase64(parts[2]);
        if (key == null) {
            throw new EvidenceFormatException("the verifier key's key is not canonical base64");
        }
        if (key.length != 1 + PUBLIC_KEY_SIZE || key[0] != ED25519) {
            throw new EvidenceFormatException("the verifier key is not an Ed25519 key (0x01 and 32 bytes)");
        }
        NoteVerifierKey parsed = ed25519(parts[0], Arrays.copyOfRange(key, 1, key.length));
        int declared = parseKeyId(parts[1]);
        if (declared != parsed.keyId) {
            throw new EvidenceFormatException("the verifier key's ID " + parts[1]
                    + " is not the one of its name and key (" + hex(parsed.keyId) + ")");
        }
        return parsed;
    }

    /** SHA-256(name || 0x0A || 0x01 || publicKey), first four bytes as a big-endian int. */
    public static int keyId(String name, byte[] publicKey) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(name.getBytes(StandardCharsets.UTF_8));
            sha256.update((byte) '\n');
            sha256.update(ED25519);
            sha256.update(publicKey);
            return ByteBuffer.wrap(sha256.digest()).getInt();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    static int parseKeyId(String hex) {
        if (hex.length() != 8 || !hex.chars().allMatch(HexFormat::isHexDigit)) {
            throw new EvidenceFormatException("a key ID is 8 hex digits");
        }
        return (int) Long.parseLong(hex, 16);
    }

    static String hex(int keyId) {
        return HexFormat.of().toHexDigits(keyId);
    }

    public String name() {
        return name;
    }

    public int keyId() {
        return keyId;
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The text form, {@code <name>+<hex key ID>+<base64(0x01 || public key)>}. */
    public String encoded() {
        byte[] key = new byte[1 + PUBLIC_KEY_SIZE];
        key[0] = ED25519;
        System.arraycopy(publicKey, 0, key, 1, PUBLIC_KEY_SIZE);
        return name + "+" + hex(keyId) + "+" + Base64.getEncoder().encodeToString(key);
    }

    /** Whether {@code signature} is this key's Ed25519 signature of {@code message}; false on any malformed input. */
    public boolean verify(byte[] message, byte[] signature) {
        if (message == null || signature == null || signature.length != SIGNATURE_SIZE) {
            return false;
        }
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, parameters);
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }

    /** Whether this key is the one a signature line names. */
    boolean matches(NoteSignature signature) {
        return keyId == signature.keyId() && name.equals(signature.keyName());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NoteVerifierKey key && name.equals(key.name) && Arrays.equals(publicKey, key.publicKey);
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + Arrays.hashCode(publicKey);
    }

    @Override
    public String toString() {
        return encoded();
    }
}
