package dev.vienna.sdk.client;

import dev.vienna.sdk.canonical.IJson;
import java.util.Optional;

/**
 * Text an operator reads in an approval, a log or a terminal, refused when it holds characters that change what is
 * shown without being seen: control characters (Unicode Cc), bidirectional overrides, embeddings and isolates (U+202A
 * to U+202E, U+2066 to U+2069), zero-width characters (U+200B to U+200D, U+2060, U+FEFF) and every other format
 * character (Unicode Cf), lone surrogates and noncharacters. Multi-line text (a justification) may hold line feeds, CR
 * LF pairs and tabs.
 */
final class PlainText {

    /** The first character a single-line field may not hold, described; empty when there is none. */
    static Optional<String> singleLineProblem(String text) {
        return problem(text, false);
    }

    /** The same, allowing line feeds, CR LF and tabs. */
    static Optional<String> multiLineProblem(String text) {
        return problem(text, true);
    }

    private static Optional<String> problem(String text, boolean multiLine) {
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            String kind = kind(codePoint, multiLine && isLineBreakOrTab(text, i));
            if (kind != null) {
                return Optional.of("contains " + IJson.describe(codePoint) + " (" + kind + ") at index " + i);
            }
            i += Character.charCount(codePoint);
        }
        return Optional.empty();
    }

    private static boolean isLineBreakOrTab(String text, int i) {
        char c = text.charAt(i);
        return c == '\n' || c == '\t' || (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n');
    }

    /** What is wrong with one code point, or null when it is plain text. */
    private static String kind(int codePoint, boolean allowedBreak) {
        if (Character.charCount(codePoint) == 1 && Character.isSurrogate((char) codePoint)) {
            return "a lone surrogate, not Unicode text";
        }
        if (IJson.isNoncharacter(codePoint)) {
            return "a noncharacter";
        }
        int type = Character.getType(codePoint);
        if (type == Character.CONTROL) {
            return allowedBreak ? null : "a control character";
        }
        if (type != Character.FORMAT) {
            return null;
        }
        if ((codePoint >= 0x202A && codePoint <= 0x202E) || (codePoint >= 0x2066 && codePoint <= 0x2069)) {
            return "a bidirectional override or isolate";
        }
        if ((codePoint >= 0x200B && codePoint <= 0x200D) || codePoint == 0x2060 || codePoint == 0xFEFF) {
            return "a zero-width character";
        }
        return "an invisible format character";
    }

    private PlainText() {}
}
