package dev.vienna.sdk.canonical;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * A JSON tree as Jackson builds it, except that a member name repeated in one object is refused (RFC 7493 section 2.3)
 * instead of the last one silently winning: a tree has no way to show the duplicate afterwards, so it is refused while
 * parsing. A float beyond IEEE 754 binary64's range ({@code 1e400}, {@code 1e-400}) is kept as its exact decimal rather
 * than turned into Infinity or 0, so that validation can refuse it by its value ({@link IJson#numberProblem}). Put it
 * on a {@code JsonNode} property with {@code @JsonDeserialize(using = StrictJsonNodeDeserializer.class)}.
 */
public final class StrictJsonNodeDeserializer extends StdDeserializer<JsonNode> {

    private static final long serialVersionUID = 1L;

    public StrictJsonNodeDeserializer() {
        super(JsonNode.class);
    }

    @Override
    public JsonNode deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        JsonStreamContext context = p.getParsingContext();
        if (p.isExpectedStartObjectToken() || p.isExpectedStartArrayToken()) {
            context = context.getParent();
        }
        String property = context == null ? null : context.getCurrentName();
        return value(p, property == null ? "$" : property, ctxt);
    }

    /** JSON {@code null} is a null node, as for Jackson's own JsonNode properties. */
    @Override
    public JsonNode getNullValue(DeserializationContext ctxt) {
        return NullNode.getInstance();
    }

    /** An absent property stays null (Jackson's default would ask {@link #getNullValue}). */
    @Override
    public JsonNode getAbsentValue(DeserializationContext ctxt) {
        return null;
    }

    /**
     * Reads the value at the parser's current token, refusing repeated member names; {@code path} names the value in
     * messages. Scalars are read by {@code ctxt}, as for any JsonNode.
     */
    private static JsonNode value(JsonParser p, String path, DeserializationContext ctxt) throws IOException {
        JsonToken token = p.currentToken();
        if (token == JsonToken.START_OBJECT) {
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            for (token = p.nextToken(); token == JsonToken.FIELD_NAME; token = p.nextToken()) {
                String name = p.currentName();
                String at = IJson.path(path, name);
                if (object.has(name)) {
                    throw new JsonParseException(
                            p,
                            "duplicate member name at " + at + ": I-JSON (RFC 7493) allows each name once per object");
                }
                p.nextToken();
                object.set(name, value(p, at, ctxt));
            }
            if (token != JsonToken.END_OBJECT) {
                throw new JsonParseException(p, "unexpected " + token + " in the object at " + path);
            }
            return object;
        }
        if (token == JsonToken.START_ARRAY) {
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            for (token = p.nextToken(); token != null && token != JsonToken.END_ARRAY; token = p.nextToken()) {
                array.add(value(p, path + "[" + array.size() + "]", ctxt));
            }
            if (token == null) {
                throw new JsonParseException(p, "unexpected end of input in the array at " + path);
            }
            return array;
        }
        if (token == null || token.isStructEnd() || token == JsonToken.FIELD_NAME) {
            throw new JsonParseException(p, "unexpected " + token + " at " + path);
        }
        JsonNode scalar = ctxt.readTree(p);
        return token == JsonToken.VALUE_NUMBER_FLOAT ? exactIfOutOfRange(p, scalar, path) : scalar;
    }

    /** A float that binary64 cannot hold (it became ±Infinity, or 0 though it is not 0) as its exact decimal. */
    private static JsonNode exactIfOutOfRange(JsonParser p, JsonNode scalar, String path) throws IOException {
        if (p.isNaN() || !(scalar.isDouble() || scalar.isFloat())) {
            return scalar;
        }
        double d = scalar.doubleValue();
        if (!Double.isInfinite(d) && d != 0) {
            return scalar;
        }
        BigDecimal exact;
        try {
            exact = p.getDecimalValue();
        } catch (NumberFormatException e) {
            throw new JsonParseException(
                    p,
                    "the number at " + path
                            + " is beyond the range of IEEE 754 binary64: not representable exactly in I-JSON");
        }
        return exact.signum() == 0 && d == 0 ? scalar : DecimalNode.valueOf(exact);
    }
}
