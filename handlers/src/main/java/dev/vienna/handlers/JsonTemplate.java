package dev.vienna.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JSON document template (an http action's {@code body}): the document's shape is the operator's; only string values
 * may hold placeholders. A string that is exactly one placeholder becomes that value's JSON value (a number param stays
 * a number); placeholders inside a longer string are substituted as text. The result is built as a JSON tree and
 * serialized, never concatenated, so a value cannot change the document's structure. Object keys are literal.
 */
final class JsonTemplate {

    private sealed interface Part permits Constant, Text, Elements, Fields {}

    private record Constant(JsonNode value) implements Part {}

    private record Text(Template template) implements Part {}

    private record Elements(List<Part> elements) implements Part {}

    private record Fields(Map<String, Part> fields) implements Part {}

    private final Part root;
    private final Set<Placeholder> placeholders;

    private JsonTemplate(Part root, Set<Placeholder> placeholders) {
        this.root = root;
        this.placeholders = Set.copyOf(placeholders);
    }

    /** Parses the template at {@code node}; every agent value it uses must have a pattern in {@code arguments}. */
    static JsonTemplate parse(ConfigNode node, Arguments arguments) {
        Set<Placeholder> placeholders = new LinkedHashSet<>();
        Part root = part(node, arguments, placeholders);
        return new JsonTemplate(root, placeholders);
    }

    private static Part part(ConfigNode node, Arguments arguments, Set<Placeholder> placeholders) {
        JsonNode json = node.json();
        if (json.isTextual()) {
            Template template = Template.parse(node, true, false);
            arguments.requirePatterns(node, template.placeholders());
            placeholders.addAll(template.placeholders());
            return new Text(template);
        }
        if (json.isArray()) {
            List<Part> elements = new ArrayList<>();
            node.elements().forEach(element -> elements.add(part(element, arguments, placeholders)));
            return new Elements(List.copyOf(elements));
        }
        if (json.isObject()) {
            Map<String, Part> fields = new LinkedHashMap<>();
            node.entries().forEach((key, value) -> fields.put(key, part(value, arguments, placeholders)));
            return new Fields(fields);
        }
        return new Constant(json.deepCopy());
    }

    Set<Placeholder> placeholders() {
        return placeholders;
    }

    /** The document with the checked values in place. */
    JsonNode render(Map<Placeholder, Arguments.Value> values) {
        return render(root, values, Arguments.texts(values));
    }

    private static JsonNode render(
            Part part, Map<Placeholder, Arguments.Value> values, Map<Placeholder, String> texts) {
        if (part instanceof Text text) {
            return text.template()
                    .solePlaceholder()
                    .<JsonNode>map(placeholder -> values.get(placeholder).json().deepCopy())
                    .orElseGet(() -> TextNode.valueOf(text.template().render(texts)));
        }
        if (part instanceof Elements array) {
            ArrayNode out = Json.MAPPER.createArrayNode();
            array.elements().forEach(element -> out.add(render(element, values, texts)));
            return out;
        }
        if (part instanceof Fields object) {
            ObjectNode out = Json.object();
            object.fields().forEach((key, value) -> out.set(key, render(value, values, texts)));
            return out;
        }
        return ((Constant) part).value().deepCopy();
    }
}
