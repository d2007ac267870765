package dev.vienna.sdk.evidence;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * A private Ed25519 key that signs notes under a name. Its text form is {@code PRIVATE+KEY+<name>+<hex key
 * ID>+<base64(0x01 || 32-byte seed)>}, the same as Go's {@code sumdb/note} signer keys. {@link #toString()} never shows
 * the seed. Immutable and thread-safe.
 */
public final class NoteSignerKey {

    private static final String PREFIX = "PRIVATE+KEY+";
    private static final int SEED_SIZE = 32;

    private final Ed25519PrivateKeyParameters privateKey;
    private final NoteVerifierKey verifierKey;

    private NoteSignerKey(String name, byte[] seed) {
        this.privateKey = new Ed25519PrivateKeyParameters(seed, 0);
        this.verifierKey =
                NoteVerifierKey.ed25519(name, privateKey.generatePublicKey().getEncoded());
    }

    /** A new random key named {@code name}. */
    public static NoteSignerKey generate(String name) {
        byte[] seed = new byte[SEED_SIZE];
        new SecureRandom().nextBytes(seed);
        return fromSeed(name, seed);
    }

    /**
     * The key of a 32-byte Ed25519 seed (RFC 8032 private key).
     *
     * @throws EvidenceFormatException on an invalid name or seed length
     */
    public static NoteSignerKey fromSeed(String name, byte[] seed) {
        String problem = NoteText.keyNameProblem(name);
        if (problem != null) {
            throw new EvidenceFormatException(problem);
        }
        if (seed == null || seed.length != SEED_SIZE) {
            throw new EvidenceFormatException("an Ed25519 seed is 32 bytes");
        }
        return new NoteSignerKey(name, seed);
    }

    /**
     * Reads the text form, refusing a key ID that is not the one of the name and key. Error messages never contain the
     * key material.
     *
     * @throws EvidenceFormatException if {@code skey} is not a well-formed Ed25519 signer key
     */
    public static NoteSignerKey parse(String skey) {
        if (skey == null || !skey.startsWith(PREFIX)) {
            throw new EvidenceFormatException("a signer key starts with " + PREFIX);
        }
        String[] parts = skey.substring(PREFIX.length()).split("\\+", 3);
        if (parts.length != 3) {
            throw new EvidenceFormatException("a signer key is " + PREFIX + "<name>+<key ID>+<key>");
        }
        byte[] key = NoteText.decodeCanonicalBase64(parts[2]);
        if (key == null || key.length != 1 + SEED_SIZE || key[0] != NoteVerifierKey.ED25519) {
            throw new EvidenceFormatException("the signer key is not an Ed25519 seed (0x01 and 32 bytes, base64)");
        }
        NoteSignerKey parsed = fromSeed(parts[0], Arrays.copyOfRange(key, 1, key.length));
        if (NoteVerifierKey.parseKeyId(parts[1]) != parsed.keyId()) {
            throw new EvidenceFormatException(
                    "the signer key's ID " + parts[1] + " is not the one of its name and key");
        }
        return parsed;
    }

    public String name() {
        return verifierKey.name();
    }

    public int keyId() {
        return verifierKey.keyId();
    }

    /** The public half, to hand to verifiers. */
    public NoteVerifierKey verifierKey() {
        return verifierKey;
    }

    /** The secret text form, {@code PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>}. */
    public String encoded() {
        byte[] key = new byte[1 + SEED_SIZE];
        key[0] = NoteVerifierKey.ED25519;
        System.arraycopy(privateKey.getEncoded(), 0, key, 1, SEED_SIZE);
        return PREFIX + name() + "+" + NoteVerifierKey.hex(keyId()) + "+"
                + Base64.getEncoder().encodeToString(key);
    }

    /** The Ed25519 signature (64 bytes) of {@code message}. */
    public byte[] sign(byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, privateKey);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    @Override
    public String toString() {
        return "NoteSignerKey[" + name() + "+" + NoteVerifierKey.hex(keyId()) + "]";
    }
}
