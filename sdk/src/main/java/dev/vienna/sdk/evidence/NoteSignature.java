package dev.vienna.sdk.evidence;

import java.util.Arrays;
import java.util.Base64;

/**
 * One signature line of a signed note, {@code — <keyName> <base64>}, where the base64 encodes the 4-byte big-endian key
 * ID followed by the signature. Says who claims to have signed; whether it verifies is {@link NoteVerification}'s
 * business.
 *
 * @param keyName the signer's key name
 * @param keyId the signer's 32-bit key ID
 * @param base64 the canonical standard base64 of key ID and signature, as on the line
 */
public record NoteSignature(String keyName, int keyId, String base64) {

    /** U+2014 em dash and a space: how every signature line starts. */
    static final String LINE_START = "\u2014 ";

    /** @throws EvidenceFormatException unless the parts make a well-formed signature line */
    public NoteSignature {
        String problem = NoteText.keyNameProblem(keyName);
        if (problem != null) {
            throw new EvidenceFormatException(problem);
        }
        byte[] bytes = base64 == null ? null : NoteText.decodeCanonicalBase64(base64);
        if (bytes == null) {
            throw new EvidenceFormatException("the signature of " + keyName + " is not canonical standard base64");
        }
        if (bytes.length < 5) {
            throw new EvidenceFormatException("the signature of " + keyName + " is shorter than a key ID and a byte");
        }
        if (keyIdOf(bytes) != keyId) {
            throw new EvidenceFormatException("the signature of " + keyName + " does not start with its key ID");
        }
    }

    /** A signature line's content after the em dash and space, {@code <keyName> <base64>} without the newline. */
    static NoteSignature parseLine(String line) {
        if (!line.startsWith(LINE_START)) {
            throw new EvidenceFormatException("a signature line starts with an em dash (U+2014) and a space");
        }
        String rest = line.substring(LINE_START.length());
        int space = rest.indexOf(' ');
        if (space < 0 || rest.indexOf(' ', space + 1) >= 0) {
            throw new EvidenceFormatException("a signature line is an em dash, a key name and base64, one space apart");
        }
        String base64 = rest.substring(space + 1);
        byte[] bytes = NoteText.decodeCanonicalBase64(base64);
        if (bytes == null || bytes.length < 5) {
            throw new EvidenceFormatException("a signature is canonical standard base64 of a key ID and the signature");
        }
        return new NoteSignature(rest.substring(0, space), keyIdOf(bytes), base64);
    }

    static NoteSignature of(NoteSignerKey key, byte[] signature) {
        byte[] bytes = new byte[4 + signature.length];
        int id = key.keyId();
        bytes[0] = (byte) (id >>> 24);
        bytes[1] = (byte) (id >>> 16);
        bytes[2] = (byte) (id >>> 8);
        bytes[3] = (byte) id;
        System.arraycopy(signature, 0, bytes, 4, signature.length);
        return new NoteSignature(key.name(), id, Base64.getEncoder().encodeToString(bytes));
    }

    /** The signature bytes after the key ID. */
    public byte[] signature() {
        byte[] bytes = Base64.getDecoder().decode(base64);
        return Arrays.copyOfRange(bytes, 4, bytes.length);
    }

    /** The line as it stands in the note, with its newline. */
    public String line() {
        return LINE_START + keyName + " " + base64 + "\n";
    }

    /** Whether this signature and {@code other} claim the same key (name and ID). */
    boolean sameKey(NoteSignature other) {
        return keyId == other.keyId && keyName.equals(other.keyName);
    }

    private static int keyIdOf(byte[] bytes) {
        return (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | bytes[3] & 0xff;
    }

    @Override
    public String toString() {
        return keyName + "+" + NoteVerifierKey.hex(keyId);
    }
}
