package dev.vienna.sdk.canonical;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The I-JSON profile (RFC 7493) that Vienna's params keep to, so that their RFC 8785 canonical form, and the action
 * digest over it, names exactly one value: each member name once per object (checked while parsing, see
 * {@link StrictJsonNodeDeserializer}), strings of Unicode text (no lone surrogate, no noncharacter), and numbers an
 * IEEE 754 binary64 holds exactly: integers within ±(2^53−1), finite floats within binary64's range.
 */
public final class IJson {

    /** The largest integer magnitude every I-JSON receiver reads exactly: 2^53−1 (RFC 7493 section 2.2). */
    public static final long MAX_EXACT_INTEGER = (1L << 53) - 1;

    private static final BigInteger MAX_EXACT = BigInteger.valueOf(MAX_EXACT_INTEGER);
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,63}");
    private static final int QUOTED_LENGTH = 48;

    /** Why a number node is not representable exactly in I-JSON; empty when it is (and for any other node). */
    public static Optional<String> numberProblem(JsonNode node) {
        if (!node.isNumber()) {
            return Optional.empty();
        }
        if (node.isIntegralNumber()) {
            BigInteger value = node.bigIntegerValue();
            return value.abs().compareTo(MAX_EXACT) > 0
                    ? Optional.of("the integer " + shortened(value.toString())
                            + " is beyond ±(2^53−1): not representable exactly in I-JSON")
                    : Optional.empty();
        }
        if (node.isBigDecimal()) {
            BigDecimal value = node.decimalValue();
            double d = value.doubleValue();
            if (Double.isInfinite(d)) {
                return Optional.of("the number " + shortened(value.toString())
                        + " is beyond the range of IEEE 754 binary64: not representable exactly in I-JSON");
            }
            if (d == 0 && value.signum() != 0) {
                return Optional.of(
                        "the number " + shortened(value.toString())
                                + " is too small for IEEE 754 binary64 (it would be read as 0): not representable exactly in I-JSON");
            }
            return Optional.empty();
        }
        double d = node.doubleValue();
        return Double.isFinite(d)
                ? Optional.empty()
                : Optional.of(d + " is not a finite number: not representable exactly in I-JSON");
    }

    /** Why a member name or string value is not I-JSON text (a lone surrogate, a noncharacter); empty when it is. */
    public static Optional<String> textProblem(String text) {
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            if (Character.isSurrogate((char) codePoint) && Character.charCount(codePoint) == 1) {
                return Optional.of("contains a lone surrogate " + hex(codePoint) + " at index " + i
                        + ": not Unicode text, not representable in I-JSON");
            }
            if (isNoncharacter(codePoint)) {
                return Optional.of(
                        "contains the noncharacter " + hex(codePoint) + " at index " + i + ", which I-JSON excludes");
            }
            i += Character.charCount(codePoint);
        }
        return Optional.empty();
    }

    /** A Unicode noncharacter: U+FDD0..U+FDEF, and the last two code points of every plane. */
    public static boolean isNoncharacter(int codePoint) {
        return (codePoint >= 0xFDD0 && codePoint <= 0xFDEF) || (codePoint & 0xFFFE) == 0xFFFE;
    }

    /** A code point as messages name it: {@code U+202E RIGHT-TO-LEFT OVERRIDE}. */
    public static String describe(int codePoint) {
        String name =
                codePoint <= 0xFFFF && Character.isSurrogate((char) codePoint) ? null : Character.getName(codePoint);
        return name == null ? hex(codePoint) : hex(codePoint) + " " + name;
    }

    /** How messages name a member of the value at {@code parent}: {@code params.replicas}, {@code params["a b"]}. */
    public static String path(String parent, String name) {
        return PLAIN_NAME.matcher(name).matches() ? parent + "." + name : parent + "[" + quoted(name) + "]";
    }

    /**
     * A string as messages quote it, safe to log and show: printable ASCII kept, anything else as {@code \\uXXXX}, cut
     * after a few dozen characters.
     */
    public static String quoted(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder quoted = new StringBuilder("\"");
        for (int i = 0; i < text.length() && i < QUOTED_LENGTH; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                quoted.append(c);
            } else {
                quoted.append(String.format("\\u%04x", (int) c));
            }
        }
        quoted.append('"');
        if (text.length() > QUOTED_LENGTH) {
            quoted.append(" (cut, ").append(text.length()).append(" characters)");
        }
        return quoted.toString();
    }

    private static String hex(int codePoint) {
        return String.format("U+%04X", codePoint);
    }

    private static String shortened(String number) {
        return number.length() <= QUOTED_LENGTH
                ? number
                : number.substring(0, QUOTED_LENGTH) + "... (" + number.length() + " characters)";
    }

    private IJson() {}
}
