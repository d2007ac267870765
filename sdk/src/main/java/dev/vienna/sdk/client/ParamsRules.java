package dev.vienna.sdk.client;

import static dev.vienna.sdk.client.IntentRequest.MAX_PARAMS_BYTES;
import static dev.vienna.sdk.client.IntentRequest.MAX_PARAMS_DEPTH;
import static dev.vienna.sdk.client.IntentRequest.MAX_PARAMS_STRING_BYTES;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vienna.sdk.canonical.CanonicalJson;
import dev.vienna.sdk.canonical.IJson;
import dev.vienna.sdk.client.IntentRequest.FieldError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The limits of an intent's params object: I-JSON values ({@link IJson}: text strings, numbers binary64 holds exactly),
 * at most {@value IntentRequest#MAX_PARAMS_DEPTH} levels deep, no string (name or value) over
 * {@value IntentRequest#MAX_PARAMS_STRING_BYTES} bytes, and at most {@value IntentRequest#MAX_PARAMS_BYTES} bytes of
 * canonical JSON. Each problem is a field error at its path ({@code params.replicas}); at most {@value #MAX_ERRORS} are
 * listed.
 */
final class ParamsRules {

    /** The most problems of one params object listed one by one; the rest are summed up in one more error. */
    static final int MAX_ERRORS = 10;

    private final List<FieldError> errors = new ArrayList<>();
    private int problems;
    private long minimumBytes;

    /** Every problem of a params object (already known to be an object), field by field. */
    static List<FieldError> check(JsonNode params) {
        ParamsRules rules = new ParamsRules();
        rules.visit(params, "params", 1);
        if (rules.problems > MAX_ERRORS) {
            rules.errors.add(new FieldError(
                    "params", (rules.problems - MAX_ERRORS) + " more problem(s) not listed; fix the above first"));
        }
        if (rules.problems == 0) {
            rules.checkSize(params);
        }
        return rules.errors;
    }

    private void visit(JsonNode node, String path, int depth) {
        minimumBytes++; // every value takes at least one byte of canonical JSON
        if (node.isContainerNode() && depth > MAX_PARAMS_DEPTH) {
            add(path, "nests deeper than " + MAX_PARAMS_DEPTH + " levels (params itself is level 1)");
            return;
        }
        if (node.isObject()) {
            for (var member : node.properties()) {
                String name = member.getKey();
                String at = IJson.path(path, name);
                checkString(at, "its name", name);
                visit(member.getValue(), at, depth + 1);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                visit(node.get(i), path + "[" + i + "]", depth + 1);
            }
        } else if (node.isTextual()) {
            checkString(path, "the string", node.textValue());
        } else if (node.isNumber()) {
            IJson.numberProblem(node).ifPresent(problem -> add(path, problem));
        } else if (!node.isBoolean() && !node.isNull()) {
            add(path, "is not a JSON value (" + node.getNodeType() + ")");
        }
    }

    private void checkString(String path, String what, String text) {
        long bytes = utf8Length(text);
        minimumBytes += bytes;
        if (bytes > MAX_PARAMS_STRING_BYTES) {
            add(path, what + " is " + bytes + " bytes in UTF-8; at most " + MAX_PARAMS_STRING_BYTES + " (4 KiB)");
        }
        Optional<String> problem = IJson.textProblem(text);
        problem.ifPresent(p -> add(path, what + " " + p));
    }

    private void checkSize(JsonNode params) {
        if (minimumBytes > MAX_PARAMS_BYTES) {
            // the canonical form holds every value, name and string at least once: too long without writing it
            add("params", "canonical JSON is over " + MAX_PARAMS_BYTES + " bytes (16 KiB): at least " + minimumBytes);
            return;
        }
        int bytes;
        try {
            bytes = CanonicalJson.write(params).getBytes(StandardCharsets.UTF_8).length;
        } catch (IllegalArgumentException e) {
            add("params", e.getMessage());
            return;
        }
        if (bytes > MAX_PARAMS_BYTES) {
            add("params", "canonical JSON is " + bytes + " bytes; at most " + MAX_PARAMS_BYTES + " (16 KiB)");
        }
    }

    private void add(String field, String message) {
        if (++problems <= MAX_ERRORS) {
            errors.add(new FieldError(field, message));
        }
    }

    private static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private ParamsRules() {}
}
