package dev.vienna.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * An action's {@code args}: a pattern for every agent-chosen value its templates use. At load it checks that every
 * referenced resource or param has a pattern; at run time it takes each value from the input, converts it to text and
 * matches it against its pattern (the whole value), and refuses the action on the first value that does not fit.
 */
final class Arguments {

    /** One resolved value: its text (what patterns match and templates substitute) and its JSON value. */
    record Value(String text, JsonNode json) {}

    private final Map<Placeholder, Pattern> patterns;
    private final String argsPath;

    private Arguments(Map<Placeholder, Pattern> patterns, String argsPath) {
        this.patterns = patterns;
        this.argsPath = argsPath;
    }

    /** Reads the {@code args} mapping under an action (absent means none). */
    static Arguments parse(ConfigNode action) {
        ConfigNode args = action.child("args");
        Map<Placeholder, Pattern> patterns = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigNode> entry : args.entries().entrySet()) {
            ConfigNode node = entry.getValue();
            Placeholder placeholder = Placeholder.parse(entry.getKey())
                    .orElseThrow(() -> node.fail("not an argument (write resource or params.NAME)"));
            if (!placeholder.needsPattern()) {
                throw node.fail("{" + placeholder.name() + "} comes from the warrant and takes no pattern");
            }
            if (!node.json().isTextual()) {
                throw node.fail("must be a regular expression in quotes");
            }
            try {
                patterns.put(placeholder, Pattern.compile(node.json().asText()));
            } catch (PatternSyntaxException e) {
                throw node.fail(
                        "not a valid regular expression: " + e.getDescription() + " near index " + e.getIndex());
            }
        }
        return new Arguments(Map.copyOf(patterns), args.path());
    }

    /** Fails the load, naming {@code where}, when one of {@code placeholders} is an agent value with no pattern. */
    void requirePatterns(ConfigNode where, Collection<Placeholder> placeholders) {
        for (Placeholder placeholder : placeholders) {
            if (placeholder.needsPattern() && !patterns.containsKey(placeholder)) {
                throw where.fail("refers to " + placeholder.name() + ", which has no pattern under " + argsPath);
            }
        }
    }

    /**
     * The values of {@code used} and of every argument that has a pattern (each one is required and checked, used or
     * not), or the reason the action is refused.
     */
    Map<Placeholder, Value> resolve(ActionInput input, Collection<Placeholder> used) throws ArgumentRejected {
        Set<Placeholder> wanted = new LinkedHashSet<>(patterns.keySet());
        wanted.addAll(used);
        Map<Placeholder, Value> values = new LinkedHashMap<>();
        for (Placeholder placeholder : wanted) {
            Value value = valueOf(placeholder, input);
            Pattern pattern = patterns.get(placeholder);
            if (pattern != null && !matches(pattern, value.text())) {
                throw new ArgumentRejected("argument " + placeholder.name() + " does not match its pattern");
            }
            values.put(placeholder, value);
        }
        return values;
    }

    /** Whole-value match; a value so long that the regex engine overflows its stack does not match. */
    private static boolean matches(Pattern pattern, String text) {
        try {
            return pattern.matcher(text).matches();
        } catch (StackOverflowError e) {
            return false;
        }
    }

    /** The text of each value, as templates render them. */
    static Map<Placeholder, String> texts(Map<Placeholder, Value> values) {
        Map<Placeholder, String> texts = new LinkedHashMap<>();
        values.forEach((placeholder, value) -> texts.put(placeholder, value.text()));
        return texts;
    }

    private static Value valueOf(Placeholder placeholder, ActionInput input) throws ArgumentRejected {
        return switch (placeholder.source()) {
            case RESOURCE -> text(placeholder, input.resource());
            case WARRANT -> text(placeholder, input.warrantId());
            case INTENT -> text(placeholder, input.intentId());
            case AGENT -> text(placeholder, input.agentId());
            case ACTION -> text(placeholder, input.action());
            case PARAM -> param(placeholder, input.params());
        };
    }

    private static Value text(Placeholder placeholder, String text) throws ArgumentRejected {
        if (text == null) {
            throw new ArgumentRejected("argument " + placeholder.name() + " is missing");
        }
        return new Value(text, TextNode.valueOf(text));
    }

    private static Value param(Placeholder placeholder, JsonNode params) throws ArgumentRejected {
        JsonNode value = params == null ? null : params.get(placeholder.param());
        if (value == null || value.isNull() || value.isMissingNode()) {
            throw new ArgumentRejected("argument " + placeholder.name() + " is missing");
        }
        if (value.isTextual()) {
            return new Value(value.textValue(), value);
        }
        if (value.isIntegralNumber()) {
            return new Value(value.bigIntegerValue().toString(), value);
        }
        if (value.isNumber()) {
            return new Value(value.decimalValue().toPlainString(), value);
        }
        if (value.isBoolean()) {
            return new Value(String.valueOf(value.booleanValue()), value);
        }
        throw new ArgumentRejected("argument " + placeholder.name() + " must be a string, number or boolean, not "
                + (value.isArray() ? "an array" : value.isObject() ? "an object" : "a " + value.getNodeType()));
    }
}
