package dev.vienna.sdk.canonical;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import org.erdtman.jcs.JsonCanonicalizer;
import org.erdtman.jcs.NumberToJSON;

/**
 * The project's one canonical JSON form: RFC 8785 (JCS), through erdtman's implementation. Keys sorted, numbers in
 * their shortest form, no insignificant white space: the same value always yields the same bytes, which is what digests
 * and stored params need. Only values the form represents exactly are written, so no two values share a form: a
 * non-finite number, an integer or decimal that would be written as another number, or a string with a lone surrogate
 * is refused.
 */
public final class CanonicalJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .build();

    /**
     * The canonical text of any JSON value or of a Java value Jackson can map (maps, lists, records); throws
     * IllegalArgumentException for a value it cannot represent exactly.
     */
    public static String write(Object value) {
        JsonNode node;
        try {
            node = value == null
                    ? NullNode.getInstance()
                    : value instanceof JsonNode tree ? tree : MAPPER.valueToTree(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot write canonical JSON: " + e.getMessage(), e);
        }
        requireExactlyWritable(node);
        try {
            return new JsonCanonicalizer(MAPPER.writeValueAsString(node)).getEncodedString();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot write canonical JSON: " + e.getMessage(), e);
        }
    }

    /** Parses JSON text and returns its canonical text; throws IllegalArgumentException if it is not JSON. */
    public static String canonicalize(String json) {
        return write(parse(json));
    }

    /**
     * Parses one JSON value; throws IllegalArgumentException if the text is not exactly one JSON value or repeats a
     * member name in an object (which a tree could not show: the last would silently win).
     */
    public static JsonNode parse(String json) {
        if (json == null) {
            throw new IllegalArgumentException("not valid JSON: no text");
        }
        try {
            JsonNode node = MAPPER.readTree(json);
            if (node == null || node.isMissingNode()) {
                throw new IllegalArgumentException("not valid JSON: no value");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException refused && refused.getCause() == null) {
                throw refused;
            }
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Refuses what RFC 8785 would write as another value: NaN and infinities (which Jackson writes as strings), an
     * integer or decimal whose canonical number is a different number (9007199254740993 is written 9007199254740992),
     * and strings with a lone surrogate (encoded as "?", like a real "?"). Iterative: a tree built in code may be
     * deeper than any parser allows.
     */
    private static void requireExactlyWritable(JsonNode root) {
        Deque<Map.Entry<String, JsonNode>> pending = new ArrayDeque<>();
        pending.push(Map.entry("$", root));
        while (!pending.isEmpty()) {
            var next = pending.pop();
            String path = next.getKey();
            JsonNode node = next.getValue();
            if (node.isObject()) {
                for (var member : node.properties()) {
                    requireText(path, member.getKey());
                    pending.push(Map.entry(IJson.path(path, member.getKey()), member.getValue()));
                }
            } else if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    pending.push(Map.entry(path + "[" + i + "]", node.get(i)));
                }
            } else if (node.isTextual()) {
                requireText(path, node.textValue());
            } else if (node.isNumber()) {
                requireExactNumber(path, node);
            } else if (!node.isBoolean() && !node.isNull()) {
                throw new IllegalArgumentException(
                        "cannot write canonical JSON: " + path + " is a " + node.getNodeType() + ", not a JSON value");
            }
        }
    }

    private static void requireText(String path, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(
                        "cannot write canonical JSON: " + path + " contains a lone surrogate "
                                + String.format("U+%04X", (int) c) + " at index " + i + ": not Unicode text");
            }
        }
    }

    private static void requireExactNumber(String path, JsonNode node) {
        double d = node.doubleValue();
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("cannot write canonical JSON: " + path + " is "
                    + (node.isBigDecimal() || node.isBigInteger() ? "beyond the range of IEEE 754 binary64" : d));
        }
        boolean exact = node.isInt()
                || node.isShort()
                || node.isDouble()
                || node.isFloat()
                || (node.isLong() && Math.abs(node.longValue()) <= IJson.MAX_EXACT_INTEGER);
        if (!exact) {
            String written;
            try {
                written = NumberToJSON.serializeNumber(d);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot write canonical JSON: " + path + ": " + e.getMessage(), e);
            }
            BigDecimal value = node.isBigDecimal() ? node.decimalValue() : new BigDecimal(node.bigIntegerValue());
            if (new BigDecimal(written).compareTo(value) != 0) {
                throw new IllegalArgumentException("cannot write canonical JSON: " + path + " is "
                        + shortened(value.toString()) + ", which RFC 8785 would write as " + written
                        + " (not representable exactly in I-JSON)");
            }
        }
    }

    private static String shortened(String number) {
        return number.length() <= 40 ? number : number.substring(0, 40) + "... (" + number.length() + " digits)";
    }

    private CanonicalJson() {}
}
