package dev.vienna.sdk.evidence;

import java.util.Base64;

/** The character rules of signed notes and their key names, and canonical base64, shared by the note classes. */
final class NoteText {

    /**
     * Null if {@code value} is valid UTF-8 (no unpaired surrogate) without ASCII control characters other than newline,
     * otherwise what is wrong, naming the first offending offset.
     */
    static String characterProblem(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\n') {
                return String.format("control character U+%04X at offset %d", (int) c, i);
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                } else {
                    return "unpaired surrogate at offset " + i + " (not valid UTF-8)";
                }
            } else if (Character.isLowSurrogate(c)) {
                return "unpaired surrogate at offset " + i + " (not valid UTF-8)";
            }
        }
        return null;
    }

    /** Null if {@code name} can name a note key (non-empty, no Unicode space, no '+'), otherwise why not. */
    static String keyNameProblem(String name) {
        if (name == null || name.isEmpty()) {
            return "a key name is non-empty";
        }
        String characters = characterProblem(name);
        if (characters != null) {
            return "the key name has a " + characters;
        }
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            if (cp == '+' || Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                return String.format("the key name has a space or '+' (U+%04X) at offset %d", cp, i);
            }
            i += Character.charCount(cp);
        }
        return null;
    }

    /** Standard padded base64, refused unless canonical (the encoding of the bytes it decodes to); null if not. */
    static byte[] decodeCanonicalBase64(String text) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return Base64.getEncoder().encodeToString(bytes).equals(text) ? bytes : null;
    }

    private NoteText() {}
}
