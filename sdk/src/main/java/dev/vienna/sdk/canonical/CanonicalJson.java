package dev.vienna.sdk.canonical;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.erdtman.jcs.JsonCanonicalizer;

/**
 * The project's one canonical JSON form: RFC 8785 (JCS), through erdtman's implementation. Keys sorted, numbers in
 * their shortest form, no insignificant white space: the same value always yields the same bytes, which is what digests
 * and stored params need.
 */
public final class CanonicalJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The canonical text of any JSON value or of a Java value Jackson can map (maps, lists, records). */
    public static String write(Object value) {
        try {
            String json = value instanceof JsonNode node ? node.toString() : MAPPER.writeValueAsString(value);
            return new JsonCanonicalizer(json).getEncodedString();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write canonical JSON: " + e.getMessage(), e);
        }
    }

    /** Parses JSON text and returns its canonical text; throws IllegalArgumentException if it is not JSON. */
    public static String canonicalize(String json) {
        return write(parse(json));
    }

    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private CanonicalJson() {}
}
