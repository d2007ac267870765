package dev.vienna.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.qute.TemplateExtension;
import java.util.ArrayList;
import java.util.List;

/**
 * Lets the templates read the services' JSON answers as they are: {@code approval.policy.riskScore} reads a field, text
 * is text, numbers are numbers, an array is a list to iterate, a missing field is nothing.
 */
public final class JsonTemplates {

    private JsonTemplates() {}

    /** Any field of a JSON object. */
    @TemplateExtension(matchName = TemplateExtension.ANY)
    static Object field(JsonNode node, String name) {
        return value(node.get(name));
    }

    static Object value(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        if (node.isIntegralNumber()) {
            return node.asLong();
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isArray()) {
            List<Object> items = new ArrayList<>(node.size());
            node.forEach(item -> items.add(value(item) == null ? "" : value(item)));
            return items;
        }
        return node;
    }
}
