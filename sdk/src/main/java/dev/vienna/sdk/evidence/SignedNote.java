package dev.vienna.sdk.evidence;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A C2SP signed note (https://c2sp.org/signed-note): a UTF-8 text ending in a newline, a blank line, then one line per
 * signature, {@code — <key name> <base64(4-byte key ID || signature)>}. The signatures cover the text with its final
 * newline; the text is separated from them by the note's last blank line. Only Ed25519 keys (signature type 0x01) are
 * supported; signatures of other types are kept, and reported as from unknown keys.
 *
 * <p>Parsing is strict: at most {@link #MAX_NOTE_BYTES} bytes, {@link #MAX_TEXT_LINES} text lines and
 * {@link #MAX_SIGNATURES} signatures, valid UTF-8, no control character but newline, canonical base64, at most one
 * signature per key. Immutable and thread-safe.
 */
public final class SignedNote {

    public static final int MAX_NOTE_BYTES = 1 << 20;
    public static final int MAX_TEXT_LINES = 10_000;
    /** The spec asks verifiers to accept at least 16; Go's {@code sumdb/note} stops at 100 too. */
    public static final int MAX_SIGNATURES = 100;

    private final String text;
    private final List<NoteSignature> signatures;

    private SignedNote(String text, List<NoteSignature> signatures) {
        this.text = text;
        this.signatures = List.copyOf(signatures);
    }

    /**
     * A note with {@code text} and no signature yet, to be {@link #signedBy signed}.
     *
     * @throws EvidenceFormatException if the text cannot be a note's text
     */
    public static SignedNote unsigned(String text) {
        if (text == null) {
            throw new EvidenceFormatException("no note text");
        }
        checkText(text);
        return new SignedNote(text, List.of());
    }

    /**
     * Reads a note from its UTF-8 bytes.
     *
     * @throws EvidenceFormatException with the reason if the bytes are not a well-formed signed note
     */
    public static SignedNote parse(byte[] note) {
        if (note == null) {
            throw new EvidenceFormatException("no note");
        }
        if (note.length > MAX_NOTE_BYTES) {
            throw new EvidenceFormatException("the note has " + note.length + " bytes, more than " + MAX_NOTE_BYTES);
        }
        try {
            return parse(StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(note))
                    .toString());
        } catch (CharacterCodingException e) {
            throw new EvidenceFormatException("the note is not valid UTF-8");
        }
    }

    /**
     * Reads a note from its text.
     *
     * @throws EvidenceFormatException with the reason if {@code note} is not a well-formed signed note
     */
    public static SignedNote parse(String note) {
        if (note == null) {
            throw new EvidenceFormatException("no note");
        }
        if (note.length() > MAX_NOTE_BYTES || utf8Length(note) > MAX_NOTE_BYTES) {
            throw new EvidenceFormatException("the note is larger than " + MAX_NOTE_BYTES + " bytes");
        }
        String characters = NoteText.characterProblem(note);
        if (characters != null) {
            throw new EvidenceFormatException("the note has a " + characters);
        }
        if (!note.endsWith("\n")) {
            throw new EvidenceFormatException("the note does not end with a newline");
        }
        int split = note.lastIndexOf("\n\n");
        if (split < 0) {
            throw new EvidenceFormatException("the note has no blank line before its signatures");
        }
        String text = note.substring(0, split + 1);
        checkText(text);
        String[] lines = note.substring(split + 2).split("\n", -1);
        int signatureCount = lines.length - 1; // the part ends with a newline: the last element is empty
        if (signatureCount == 0) {
            throw new EvidenceFormatException("the note has no signature");
        }
        if (signatureCount > MAX_SIGNATURES) {
            throw new EvidenceFormatException(
                    "the note has " + signatureCount + " signatures, more than " + MAX_SIGNATURES);
        }
        List<NoteSignature> signatures = new ArrayList<>(signatureCount);
        for (int i = 0; i < signatureCount; i++) {
            NoteSignature signature = NoteSignature.parseLine(lines[i]);
            if (signatures.stream().anyMatch(signature::sameKey)) {
                throw new EvidenceFormatException("the note has two signatures by " + signature);
            }
            signatures.add(signature);
        }
        return new SignedNote(text, signatures);
    }

    private static void checkText(String text) {
        if (!text.endsWith("\n")) {
            throw new EvidenceFormatException("a note's text ends with a newline");
        }
        String characters = NoteText.characterProblem(text);
        if (characters != null) {
            throw new EvidenceFormatException("the note text has a " + characters);
        }
        long lines = text.chars().filter(c -> c == '\n').count();
        if (lines > MAX_TEXT_LINES) {
            throw new EvidenceFormatException("the note text has " + lines + " lines, more than " + MAX_TEXT_LINES);
        }
        if (utf8Length(text) > MAX_NOTE_BYTES) {
            throw new EvidenceFormatException("the note text is larger than " + MAX_NOTE_BYTES + " bytes");
        }
    }

    private static long utf8Length(String value) {
        long bytes = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }

    /** The signed text, ending in a newline. Use it only after {@link #verify} says the note is trusted. */
    public String text() {
        return text;
    }

    public List<NoteSignature> signatures() {
        return signatures;
    }

    /**
     * This note with {@code key}'s signature added, replacing an earlier signature by the same key name and ID.
     *
     * @throws IllegalStateException if the note already has {@link #MAX_SIGNATURES} signatures
     */
    public SignedNote signedBy(NoteSignerKey key) {
        NoteSignature signature = NoteSignature.of(key, key.sign(text.getBytes(StandardCharsets.UTF_8)));
        List<NoteSignature> all = new ArrayList<>(signatures);
        all.removeIf(signature::sameKey);
        if (all.size() >= MAX_SIGNATURES) {
            throw new IllegalStateException("a note carries at most " + MAX_SIGNATURES + " signatures");
        }
        all.add(signature);
        return new SignedNote(text, all);
    }

    /**
     * Checks every signature against {@code knownKeys}: a signature whose key name and ID match a known key must verify
     * with it; others are reported as from unknown keys. Never throws on the note's content.
     */
    public NoteVerification verify(Collection<NoteVerifierKey> knownKeys) {
        byte[] message = text.getBytes(StandardCharsets.UTF_8);
        List<NoteSignature> verified = new ArrayList<>();
        List<NoteSignature> unknown = new ArrayList<>();
        List<NoteSignature> invalid = new ArrayList<>();
        for (NoteSignature signature : signatures) {
            List<NoteVerifierKey> candidates =
                    knownKeys.stream().filter(key -> key.matches(signature)).toList();
            if (candidates.isEmpty()) {
                unknown.add(signature);
                continue;
            }
            byte[] bytes = signature.signature();
            if (candidates.stream().anyMatch(key -> key.verify(message, bytes))) {
                verified.add(signature);
            } else {
                invalid.add(signature);
            }
        }
        return new NoteVerification(verified, unknown, invalid);
    }

    /**
     * The note as text: its text, a blank line, its signature lines.
     *
     * @throws IllegalStateException if the note has no signature (it would not be a signed note)
     */
    public String format() {
        if (signatures.isEmpty()) {
            throw new IllegalStateException("an unsigned note has no signed form");
        }
        StringBuilder note = new StringBuilder(text).append('\n');
        signatures.forEach(signature -> note.append(signature.line()));
        return note.toString();
    }

    /** {@link #format()} as UTF-8. */
    public byte[] toBytes() {
        return format().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SignedNote note && text.equals(note.text) && signatures.equals(note.signatures);
    }

    @Override
    public int hashCode() {
        return 31 * text.hashCode() + signatures.hashCode();
    }

    @Override
    public String toString() {
        return "SignedNote[" + text.length() + " chars, signed by " + signatures + "]";
    }
}
