package dev.vienna.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * One node of the actions file with its key path, so that every problem is reported as {@code key.path: problem}. It
 * also carries what loading needs everywhere: the source name and the {@code ${VAR}} resolver.
 */
final class ConfigNode {

    private final JsonNode node;
    private final String path;
    private final String source;
    private final Function<String, String> env;

    private ConfigNode(JsonNode node, String path, String source, Function<String, String> env) {
        this.node = node;
        this.path = path;
        this.source = source;
        this.env = env;
    }

    static ConfigNode root(JsonNode node, String source, Function<String, String> env) {
        return new ConfigNode(node, "", source, env);
    }

    String path() {
        return path;
    }

    JsonNode json() {
        return node;
    }

    Function<String, String> env() {
        return env;
    }

    ActionConfigException fail(String problem) {
        return new ActionConfigException(source, path.isEmpty() ? source : path, problem);
    }

    ConfigNode child(String key) {
        JsonNode value = node.isObject() ? node.get(key) : null;
        return new ConfigNode(
                value == null ? MissingNode.getInstance() : value,
                path.isEmpty() ? key : path + "." + key,
                source,
                env);
    }

    boolean isMissing() {
        return node.isMissingNode() || node.isNull();
    }

    ConfigNode requireObject() {
        if (!node.isObject()) {
            throw fail(isMissing() ? "required" : "must be a mapping of keys to values");
        }
        return this;
    }

    /** Fails on the first key not in {@code allowed} (typo protection). */
    ConfigNode allowKeys(Set<String> allowed) {
        requireObject();
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw child(name)
                        .fail("unknown key (expected one of: " + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
        return this;
    }

    /** The children of a mapping in file order; empty when the node is missing. */
    Map<String, ConfigNode> entries() {
        Map<String, ConfigNode> entries = new LinkedHashMap<>();
        if (isMissing()) {
            return entries;
        }
        requireObject();
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            entries.put(name, child(name));
        }
        return entries;
    }

    /** The elements of a sequence. */
    List<ConfigNode> elements() {
        if (!node.isArray()) {
            throw fail(isMissing() ? "required" : "must be a list");
        }
        List<ConfigNode> elements = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            elements.add(new ConfigNode(node.get(i), path + "[" + i + "]", source, env));
        }
        return elements;
    }

    /** A scalar (string, number or boolean) as text. */
    String text() {
        if (isMissing()) {
            throw fail("required");
        }
        if (!node.isValueNode()) {
            throw fail("must be a single value, not a " + (node.isArray() ? "list" : "mapping"));
        }
        return node.asText();
    }

    String requiredText(String key) {
        String text = child(key).text();
        if (text.isBlank()) {
            throw child(key).fail("must not be empty");
        }
        return text;
    }

    Duration duration(String key, Duration defaultValue) {
        ConfigNode child = child(key);
        if (child.isMissing()) {
            return defaultValue;
        }
        if (!child.node.isTextual()) {
            throw child.fail("not a duration (write 500ms, 10s, 2m or PT10S)");
        }
        Duration duration = Durations.parse(child.node.asText())
                .orElseThrow(() -> child.fail("not a duration (write 500ms, 10s, 2m or PT10S)"));
        if (duration.isNegative() || duration.isZero()) {
            throw child.fail("must be longer than zero");
        }
        return duration;
    }

    int positiveInt(String key, int defaultValue, int max) {
        ConfigNode child = child(key);
        if (child.isMissing()) {
            return defaultValue;
        }
        if (!child.node.canConvertToInt() || !child.node.isIntegralNumber()) {
            throw child.fail("must be a whole number from 1 to " + max);
        }
        int value = child.node.intValue();
        if (value < 1 || value > max) {
            throw child.fail("must be a whole number from 1 to " + max);
        }
        return value;
    }
}
